from pathlib import Path

from lxml import html

from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path


@tagged("post_install", "-at_install")
class TestAppPage(TransactionCase):
    """The Apps page shows static/description/index.html as written, not the
    Markdown README run through docutils as reStructuredText, and every image
    it shows is shipped with the module."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.module = cls.env["ir.module.module"].search([("name", "=", "sale_after_sales")])
        cls.folder = Path(file_path("sale_after_sales/static/description"))

    def _index_image_sources(self):
        document = html.fromstring((self.folder / "index.html").read_text(encoding="utf-8"))
        return [img.get("src") for img in document.iter("img")]

    def test_apps_page_is_index_html_without_docutils_errors_or_markdown(self):
        self.assertEqual(len(self.module), 1)
        page = str(self.module.description_html)
        self.assertIn("Configure it in three steps", page, "the page is not index.html")
        for docutils_error in ("System Message", "ERROR/", "Unexpected indentation"):
            self.assertNotIn(docutils_error, page)
        for markdown in ("## ", "](", "```"):
            self.assertNotIn(markdown, page)

    def test_apps_page_images_are_shipped(self):
        sources = self._index_image_sources()
        self.assertTrue(sources, "index.html shows no screenshot")
        page = str(self.module.description_html)
        for src in sources:
            with self.subTest(src=src):
                self.assertNotIn("//", src, "an image of the Apps page is fetched from elsewhere")
                self.assertTrue((self.folder / src).is_file(), f"{src} is not shipped")
                # Odoo points a bare file name to the module's static/description/.
                self.assertIn(f"/sale_after_sales/static/description/{src}", page)

    def test_manifest_images_are_shipped(self):
        images = self.module.get_module_info("sale_after_sales").get("images")
        self.assertIn("static/description/banner.png", images)
        for image in images:
            path = Path(file_path(f"sale_after_sales/{image}", check_exists=False))
            self.assertTrue(path.is_file(), f"{image} is not shipped")
