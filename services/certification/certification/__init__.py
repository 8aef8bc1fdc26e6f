"""partnerhub certification service: Exam and certification catalogs, exam results, agreements, badges with validity, certificates, reminders."""
