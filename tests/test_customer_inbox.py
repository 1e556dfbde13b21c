"""The customer's inbox, as his mail server sees it: Odoo's mail queue sends
the gift through a real SMTP server on the loopback, and what arrives is
checked (recipient, sender, subject, the code, the unsubscribe headers);
following the unsubscribe link stops the next gift."""

import email
import email.policy
import socket
from unittest.mock import patch
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

from odoo.tests import HttpCase, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


class Inbox:
    """An SMTP server's message handler (aiosmtpd): keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestCustomerInbox(HttpCase, AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.program = cls._create_gift_program()
        cls.plan = cls._create_plan(
            "Gift",
            [{"name": "Coupon", "create_activity": False, "gift_program_id": cls.program.id}],
        )
        cls.customer.email = "bakery@example.com"
        cls._create_history(
            cls.customer,
            type_id=cls.env.ref("sale_after_sales.history_type_followup").id,
            summary="Rated",
            satisfaction="5",
        )

    def setUp(self):
        super().setUp()
        self.inbox = Inbox()
        port = free_port()
        server = Controller(self.inbox, hostname="127.0.0.1", port=port)
        server.start()
        self.addCleanup(server.stop)
        self.env["ir.mail_server"].create(
            {
                "name": "The customer's mail server",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_encryption": "none",
                "sequence": 1,
            }
        )
        # Odoo sends nothing while testing: here it sends, to the server above.
        mail_server = type(self.env["ir.mail_server"])
        patcher = patch.object(mail_server, "_disable_send", classmethod(lambda cls: False))
        patcher.start()
        self.addCleanup(patcher.stop)

    def _next_gift_plan(self):
        """Another plan's gift, with no interval: only the address can stop it."""
        plan = self.plan.copy({"name": "Another gift"})
        plan.step_ids.gift_interval_days = 0
        self.plan.active = False

    def _gift(self):
        order = self._create_order(self.customer, [(self.product_kit, 1)], confirm=True)
        self._run_followup_cron()
        followup = order.followup_ids
        mails = self.env["mail.mail"].search(
            [("model", "=", "service.followup"), ("res_id", "=", followup.id)]
        )
        mails.send(raise_exception=True)
        return followup

    def test_the_gift_arrives_with_its_code_and_an_unsubscribe_button(self):
        followup = self._gift()
        self.assertEqual(len(self.inbox.messages), 1)
        recipients, message = self.inbox.messages[0]
        self.assertEqual(recipients, ["bakery@example.com"])
        self.assertIn("bakery@example.com", message["To"])
        self.assertTrue(message["From"])
        self.assertEqual(message["Subject"], "A little thank-you for your next visit")
        body = message.get_body(("html",)).get_content()
        self.assertIn(followup.loyalty_card_id.code, body)
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        one_click = message["List-Unsubscribe"].strip("<>")
        self.assertIn("/after-sales/unsubscribe/one-click?", one_click)

        # His mail client's button: one POST, no session.
        url = urlsplit(one_click)
        answer = self.url_open(f"{url.path}?{url.query}", data={"List-Unsubscribe": "One-Click"})
        self.assertEqual(answer.status_code, 200)
        self.assertTrue(self.customer.is_blacklisted)
        # The next gift is not sent.
        self.inbox.messages.clear()
        self._next_gift_plan()
        followup = self._gift()
        self.assertEqual(followup.state, "skipped")
        self.assertIn("does not want our e-mails", followup.failure_reason)
        self.assertFalse(self.inbox.messages)

    def test_following_the_link_in_the_email_stops_the_next_gift(self):
        self._gift()
        body = self.inbox.messages[0][1].get_body(("html",)).get_content()
        link = next(
            href
            for href in (part.split('"')[0] for part in body.split('href="')[1:])
            if "/after-sales/unsubscribe?" in href
        ).replace("&amp;", "&")
        url = urlsplit(link)
        page = self.url_open(f"{url.path}?{url.query}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Unsubscribe from our after-sales e-mails?", page.text)
        self.assertFalse(self.customer.is_blacklisted, "a link scanner's GET unsubscribes nobody")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        query = parse_qs(url.query)
        done = self.url_open(
            "/after-sales/unsubscribe",
            data={"csrf_token": csrf, "email": query["email"][0], "token": query["token"][0]},
        )
        self.assertIn("You are unsubscribed.", done.text)
        self.assertTrue(self.customer.is_blacklisted)
        self.inbox.messages.clear()
        self._next_gift_plan()
        self.assertEqual(self._gift().state, "skipped")
        self.assertFalse(self.inbox.messages)

    def test_a_forged_unsubscribe_link_does_nothing(self):
        for query in (
            "email=bakery@example.com&token=forged",
            "email=bakery@example.com",
            "token=x",
            "email=%00&token=%00",
            "",
        ):
            with self.subTest(query=query):
                self.assertEqual(
                    self.url_open(f"/after-sales/unsubscribe?{query}").status_code, 404
                )
                answer = self.url_open(
                    f"/after-sales/unsubscribe/one-click?{query}",
                    data={"List-Unsubscribe": "One-Click"},
                )
                self.assertEqual(answer.status_code, 404)
        self.assertFalse(self.customer.is_blacklisted)
