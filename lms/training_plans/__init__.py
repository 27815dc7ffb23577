"""Yearly training plans (kế hoạch tập huấn) per area: planned sessions, the sessions held, plan vs done."""
