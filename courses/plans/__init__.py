"""Learning plans (kế hoạch học tập): courses and goals a citizen sets for a year."""
