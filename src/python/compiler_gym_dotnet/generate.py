"""``python3 -m compiler_gym_dotnet.generate``: regenerates the gRPC stubs from proto/ now."""

from ._proto import OUT_DIR, generate

if __name__ == "__main__":
    generate(force=True)
    print(f"generated the gRPC stubs in {OUT_DIR}")
