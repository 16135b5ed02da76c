// libtorchsharp-compat.so: the part of GCC 13's libstdc++ that TorchSharp's libLibTorchSharp.so
// relies on and Debian 12's libstdc++ (GCC 12) lacks. patch-libtorchsharp makes the library load
// it; native/README.md says why and how.
#include <ios>

// GCC 13's libstdc++ constructs the standard streams once, when it is loaded, so code compiled
// against GCC 13's <iostream> no longer does it itself. GCC 12's libstdc++ leaves that to an
// ios_base::Init object in each user; this is libLibTorchSharp.so's. The library needs the shim,
// so the shim's constructors run before the library's own.
static std::ios_base::Init standard_streams;

// GCC 13's <iostream> only references this function (version GLIBCXX_3.4.32), never calls it: the
// reference is there to keep such code off a libstdc++ that does not construct the streams.
namespace std {
void ios_base_library_init() {}
}
