"""Personal data protection (Law 91/2025/QH15): notice and consent, a citizen's own data, corrections,
erasure, retention of personal data and the log of officers' access to it."""
