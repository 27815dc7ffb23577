"""Communication (tuyên truyền): announcements and campaigns for an area and an audience, their reach."""
