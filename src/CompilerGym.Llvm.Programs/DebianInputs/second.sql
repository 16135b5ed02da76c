-- The debian-v0 sqlite3 benchmark's second input, which validation runs besides bench.sql: another
-- schema, recursive CTEs, grouping, LIKE, string and date functions, a trigger. Deterministic output.
CREATE TABLE employee(id INTEGER PRIMARY KEY, name TEXT NOT NULL, manager INTEGER REFERENCES employee(id), hired TEXT, salary INTEGER);
CREATE TABLE salary_change(employee INTEGER, old INTEGER, new INTEGER, day TEXT);

CREATE TRIGGER salary_log AFTER UPDATE OF salary ON employee WHEN new.salary <> old.salary
BEGIN
  INSERT INTO salary_change VALUES (new.id, old.salary, new.salary, date(new.hired, '+1 year'));
END;

-- A tree of employees: each reports to one hired before.
WITH RECURSIVE n(i, x) AS (SELECT 1, 777 UNION ALL SELECT i + 1, (x * 69069 + 1) % 4294967296 FROM n WHERE i < 5000)
INSERT INTO employee SELECT i,
  substr('BCDFGHJKLMNPRSTV', 1 + x % 16, 1) || substr('aeiou', 1 + x / 16 % 5, 1) || substr('lnrst', 1 + x / 80 % 5, 1)
    || substr('aeiouy', 1 + x / 400 % 6, 1) || 'son',
  CASE WHEN i = 1 THEN NULL ELSE 1 + x % (i - 1) END,
  date('2001-01-01', '+' || (i * 3 + x % 3) || ' days'),
  30000 + x % 70000
FROM n;

CREATE INDEX employee_manager ON employee(manager);

-- Depth of the tree and the largest team under one manager, by a recursive query.
WITH RECURSIVE chain(id, depth) AS (SELECT id, 0 FROM employee WHERE manager IS NULL
  UNION ALL SELECT e.id, c.depth + 1 FROM employee e JOIN chain c ON e.manager = c.id)
SELECT max(depth), count(*), round(avg(depth), 4) FROM chain;

WITH RECURSIVE under(root, id) AS (SELECT id, id FROM employee WHERE manager <= 3
  UNION ALL SELECT u.root, e.id FROM employee e JOIN under u ON e.manager = u.id)
SELECT root, count(*) - 1 AS team FROM under GROUP BY root ORDER BY team DESC, root LIMIT 5;

-- Grouping by dates and names.
SELECT strftime('%Y', hired) AS year, count(*), sum(salary), min(name), max(name)
FROM employee GROUP BY year HAVING count(*) > 100 ORDER BY year LIMIT 6;
SELECT strftime('%w', hired) AS weekday, count(*) FROM employee GROUP BY weekday ORDER BY weekday;
SELECT julianday('2024-03-01') - julianday(min(hired)), date(max(hired), 'start of month', '+1 month', '-1 day') FROM employee;

-- LIKE, GLOB and string functions.
SELECT count(*) FROM employee WHERE name LIKE 'b%son';
SELECT count(*) FROM employee WHERE name LIKE '_a_e%' ESCAPE '\';
SELECT name, length(name), upper(name), replace(name, 'son', 'sdottir'), instr(name, 'a'), trim('  ' || name || '  '),
  printf('%-10s|%6d|%.2f', name, salary, salary / 12.0), unicode(name), quote(name || '''')
FROM employee WHERE id IN (1, 2, 3, 4999, 5000) ORDER BY id;
SELECT group_concat(initial, '') FROM (SELECT DISTINCT substr(name, 1, 1) AS initial FROM employee ORDER BY initial);

-- The trigger logs raises; the log is summed by year.
UPDATE employee SET salary = salary + salary / 10 WHERE hired < '2005-01-01' AND id % 4 = 0;
UPDATE employee SET salary = salary WHERE id % 5 = 0;
SELECT count(*), sum(new - old), min(day), max(day) FROM salary_change;
SELECT substr(day, 1, 4), count(*), sum(new - old) FROM salary_change GROUP BY 1 ORDER BY 1 LIMIT 4;

-- Managers paid less than their average report, with a correlated subquery.
SELECT m.id, m.name, m.salary, (SELECT round(avg(salary)) FROM employee WHERE manager = m.id) AS team_average
FROM employee m WHERE m.salary < (SELECT avg(salary) FROM employee WHERE manager = m.id)
ORDER BY team_average - m.salary DESC, m.id LIMIT 5;
