"""The gRPC stubs, generated from proto/ when the package is built (see ../generate_stubs.py)."""

try:
    from ._generated import compiler_gym_pb2 as pb
    from ._generated import compiler_gym_pb2_grpc as pb_grpc
except ModuleNotFoundError as error:
    if error.name != f"{__package__}._generated":
        raise
    raise ImportError("compiler_gym_dotnet has no gRPC stubs: install it (pip install src/python), or generate them "
                      "in the repository with `python3 src/python/generate_stubs.py`") from None

__all__ = ["pb", "pb_grpc"]
