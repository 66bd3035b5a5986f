"""Fixtures of the report tests: the payment fixtures (people enrolled through the programme's
steps, a generated month), Vietnamese active with this module's terms loaded, and helpers that
render a report to PDF, read its text back (pdftotext) and save page 1 as PNG (pdftoppm)."""
import logging
import os
import shutil
import subprocess

from odoo.tools import config

from odoo.addons.sp_payment.tests.common import PaymentFixtures

_logger = logging.getLogger(__name__)
SHOTS = config.get("screencasts") or "/tmp/sp_report_shots"


class ReportFixtures(PaymentFixtures):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["sp_report"], ["vi_VN"], overwrite=True)

    def _sp_pdf(self, report_ref, records, user, name):
        """PDF bytes, text and the PNG path of page 1 of ``report_ref`` for ``records`` printed
        by ``user``. Fails (never skips) without wkhtmltopdf or poppler-utils."""
        for tool in ("wkhtmltopdf", "pdftotext", "pdftoppm"):
            if not shutil.which(tool):
                self.fail("%s is not installed: install the Debian packages wkhtmltopdf and "
                          "poppler-utils to render and read the printed documents" % tool)
        Report = self.env["ir.actions.report"].with_user(user).with_context(
            force_report_rendering=True)
        pdf, kind = Report._render_qweb_pdf(report_ref, records.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), "not a PDF: %r" % pdf[:80])
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf,
                              capture_output=True, check=True).stdout.decode()
        os.makedirs(SHOTS, exist_ok=True)
        base = os.path.join(SHOTS, name)
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile",
                        "-", base], input=pdf, check=True)
        _logger.info("sp_report screenshot: %s.png", base)
        return pdf, text, base + ".png"
