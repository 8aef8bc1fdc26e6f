"""The certificate as a PDF (CE-3): the holder's Career Certifications ID, the certification, its valid
dates, the certificate number and where to verify it. Facts in, bytes out (fpdf2, no I/O)."""

from __future__ import annotations

from certification.domain.credentials import KIND_LABEL, CertificateFacts, Issuer


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1: anything else prints as '?' rather than failing."""
    return text.encode("latin-1", "replace").decode("latin-1")


def render(facts: CertificateFacts, issuer: Issuer) -> bytes:
    # imported on the first certificate, not at start: fpdf2 (with fontTools and Pillow) would add a
    # noticeable share to every process that loads the services, the CLI included
    from fpdf import FPDF  # noqa: PLC0415

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(_latin1(f"{facts.name} certificate {facts.number}"))
    pdf.set_author(_latin1(issuer.name))
    pdf.set_subject("Career certification certificate")
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    width = pdf.w - 40
    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)

    def line(text: str, size: float, style: str = "", gap: float = 4) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(20)
        pdf.multi_cell(width, size * 0.5, _latin1(text), align="C")
        pdf.ln(gap)

    pdf.set_y(28)
    pdf.set_text_color(31, 78, 121)
    line(issuer.name, 14, "B", 10)
    pdf.set_text_color(20, 20, 20)
    line("Certificate", 34, "B", 8)
    line("This certifies that the holder of the Career Certifications ID", 13, "", 2)
    line(facts.cco_id, 20, "B", 6)
    line("has achieved", 13, "", 2)
    line(f"{facts.name} ({facts.certification})", 24, "B", 2)
    line(KIND_LABEL.get(facts.kind, facts.kind), 12, "I", 8)
    line(f"Valid from {facts.valid_from.isoformat()} until {facts.expires_on.isoformat()}", 15, "B", 12)
    pdf.set_text_color(60, 60, 60)
    line(f"Certificate number {facts.number}   -   issued on {facts.issued_on.isoformat()}", 11, "", 2)
    line(f"Verify it at {issuer.verification_url(facts.number)}", 10, "", 2)
    line("The verification answers valid, expired or revoked with the certification and its dates.", 9, "I", 0)
    return bytes(pdf.output())
