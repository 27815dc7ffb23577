"""The Khuyến học association: branches (chi hội) with their members and officers, I1's population."""
