"""Admin management of accounts: officers, trainers and admins (create, areas, disable, unlock, reset)."""
