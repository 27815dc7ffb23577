"""Resource mobilisation (xã hội hóa): the register of contributions to the learning movement."""
