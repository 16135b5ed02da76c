func.func @kernel(%a: memref<512x512xf32>, %b: memref<512x512xf32>, %out: memref<512x512xf32>) attributes {llvm.emit_c_interface} {
  %A = bufferization.to_tensor %a restrict : memref<512x512xf32> to tensor<512x512xf32>
  %B = bufferization.to_tensor %b restrict : memref<512x512xf32> to tensor<512x512xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<512x512xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<512x512xf32>) -> tensor<512x512xf32>
  %r = linalg.matmul {cgym.root} ins(%A, %B : tensor<512x512xf32>, tensor<512x512xf32>) outs(%init : tensor<512x512xf32>) -> tensor<512x512xf32>
  bufferization.materialize_in_destination %r in restrict writable %out : (tensor<512x512xf32>, memref<512x512xf32>) -> ()
  return
}
