"""Training sessions (tập huấn): scheduling, materials, attendance by checklist or QR code."""
