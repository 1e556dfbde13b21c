"""The customer and the staff in their own language: a French customer's
e-mails, rating page and portal, a German service user's menus, buttons and
error messages, from the module's i18n/fr.po and de.po."""

import re

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestLanguages(HttpCase, AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("fr_FR", "de_DE"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["web", "portal", "rating", "sale_after_sales"], ["fr_FR", "de_DE"], overwrite=True
        )
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.handover_default_user_id = cls.service_user
        cls.customer.lang = "fr_FR"
        cls.contact_anna.lang = "fr_FR"
        cls.plan = cls._create_plan(
            "Care",
            [
                {
                    "name": "Thank-you",
                    "create_activity": False,
                    "send_mail": True,
                    "mail_template_id": cls.env.ref(
                        "sale_after_sales.mail_template_followup_thank_you"
                    ).id,
                },
                {
                    "name": "Rating",
                    "create_activity": True,
                    "ask_rating": True,
                    "rating_template_id": cls.env.ref(
                        "sale_after_sales.mail_template_followup_rating"
                    ).id,
                },
            ],
        )
        cls.portal_user = new_test_user(
            cls.env, login="saa_anna_fr", groups="base.group_portal", partner_id=cls.contact_anna.id
        )
        cls.portal_user.lang = "fr_FR"
        cls.german = new_test_user(
            cls.env,
            login="saa_service_de",
            name="Dieter Dienst",
            groups="sale_after_sales.group_after_sales_user",
            lang="de_DE",
        )

    def _mails(self, model, res_id):
        return self.env["mail.mail"].search([("model", "=", model), ("res_id", "=", res_id)])

    def test_a_french_customer_reads_his_emails_in_french(self):
        order = self._create_order(self.contact_anna, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        thank_you = self._mails("sale.order", order.id)
        self.assertTrue(
            thank_you.subject.startswith("Merci pour votre commande"), thank_you.subject
        )
        self.assertIn("Cordialement", thank_you.body_html)
        rating = order.followup_ids.filtered("rating_requested_date")
        request = self._mails("service.followup", rating.id)
        self.assertEqual(request.subject, f"Quel est votre niveau de satisfaction ? ({order.name})")
        self.assertIn("Content", request.body_html, "the happy link's label")
        self.assertIn(f"commande {order.name}", request.body_html, "the layout's heading")

    def test_a_french_customer_rates_and_reads_his_portal_in_french(self):
        order = self._create_order(self.contact_anna, [(self.product_machine, 1)], confirm=True)
        self._run_followup_cron()
        followup = order.followup_ids.filtered("rating_requested_date")
        token = followup.rating_ids.access_token
        page = self.url_open(f"/rate/{token}/1")
        self.assertIn("avoir évalué nos services", page.text, "Odoo's rating page, in French")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        answer = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 1, "feedback": "Elle fuit.", "csrf_token": csrf},
        )
        self.assertIn("Nous sommes désolés, et nous nous en occupons.", answer.text)
        self.assertIn("Sergio Service</strong> vous contactera", answer.text)
        self.assertNotIn("We are sorry", answer.text)

        self.authenticate("saa_anna_fr", "saa_anna_fr")
        home = self.url_open("/my/home")
        self.assertIn("Équipements &amp; après-vente", home.text)
        equipment = self.url_open("/my/equipment")
        self.assertIn("Demander une intervention", equipment.text)
        request = self.url_open("/my/service/request")
        self.assertIn("Envoyer la demande", request.text)
        self.assertNotIn("Send the Request", request.text)

    def test_a_french_customer_gets_his_gift_in_french(self):
        program = self.env["loyalty.program"].create(
            {
                "name": "Coupon",
                "program_type": "coupons",
                "trigger": "with_code",
                "communication_plan_ids": [(5, 0, 0)],
                "reward_ids": [(0, 0, {"reward_type": "discount", "discount": 10})],
            }
        )
        self.plan.active = False
        self._create_plan(
            "Gift",
            [
                {
                    "name": "Gift",
                    "create_activity": False,
                    "gift_program_id": program.id,
                    "gift_condition": "any",
                }
            ],
        )
        order = self._create_order(self.contact_anna, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        mail = self._mails("service.followup", order.followup_ids.id)
        self.assertEqual(mail.subject, "Un petit remerciement pour votre prochaine visite")

    def test_a_german_service_user_works_in_german(self):
        env = self.env(user=self.german, context={"lang": "de_DE"})
        menu = env.ref("sale_after_sales.after_sales_menu_root")
        self.assertEqual(menu.name, "Kundendienst")
        arch = env["sale.order"].get_view(
            env.ref("sale_after_sales.sale_order_view_form_handover").id, "form"
        )["arch"]
        self.assertIn("Übergabe annehmen", arch)
        case = self._create_history(self.customer)
        with self.assertRaisesRegex(UserError, "bevor Sie .* lösen"):
            case.with_env(env).action_case_resolve()
