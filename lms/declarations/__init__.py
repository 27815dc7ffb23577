"""Declarations (kê khai minh chứng): a citizen declares evidence for a criterion item; an officer verifies it."""
