"""The public page that verifies a certificate or credential (CE-3), no sign-in."""
