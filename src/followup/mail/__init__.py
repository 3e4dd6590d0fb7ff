"""Email that Followup sends people, and how each person wants to be told: every message is
recorded (to whom, what, when, the mail server's answer) under an event key that is unique, so
that the same event never sends a message twice."""
