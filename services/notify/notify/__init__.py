"""partnerhub notify service: Mail templates, recipients' addresses and the delivery log."""
