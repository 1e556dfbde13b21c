"""The customer's moments, tried as he and an attacker would: every portal
page in every state of his records, a request sent twice or in a flood, Odoo's
portal and rating routes given hostile values, and what he reads after his
answer and in his e-mails."""

import json
import re
import threading
import uuid
from datetime import timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import ValidationError
from odoo.service.model import retrying
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.sale_after_sales.tests.common import AfterSalesCommon


class CustomerMomentsCommon(HttpCase, AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.followup.plan"].search([]).active = False
        cls.company.write(
            {"handover_default_user_id": cls.service_user.id, "phone": "+32 2 555 01 01"}
        )
        cls._track_equipment(cls.product_machine)
        cls.portal_user = new_test_user(
            cls.env, login="saa_anna", groups="base.group_portal", partner_id=cls.contact_anna.id
        )
        cls.marc_user = new_test_user(
            cls.env, login="saa_marc", groups="base.group_portal", partner_id=cls.other_customer.id
        )
        cls.plan = cls._create_plan(
            "Satisfaction",
            [
                {
                    "name": "Internal: satisfaction call #2",
                    "customer_title": "Your opinion counts",
                    "create_activity": True,
                    "ask_rating": True,
                    "rating_template_id": cls.env.ref(
                        "sale_after_sales.mail_template_followup_rating"
                    ).id,
                }
            ],
        )

    def _waiting_followup(self, partner=None):
        order = self._create_order(
            partner or self.contact_anna, [(self.product_machine, 1)], confirm=True
        )
        self._run_followup_cron()
        followup = order.followup_ids
        self.assertEqual((followup.state, followup.answer_state), ("due", "waiting"))
        return followup

    def _csrf(self, page):
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def _request_form(self):
        page = self.url_open("/my/service/request")
        return {
            "csrf_token": self._csrf(page),
            "request_key": re.search(r'name="request_key" value="([^"]+)"', page.text).group(1),
        }

    def _portal_cases(self):
        return self.env["service.history"].search([("source", "=", "portal")])

    def _jsonrpc(self, url, params):
        response = self.url_open(
            url,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response, response.json()


@tagged("post_install", "-at_install")
class TestPortalStates(CustomerMomentsCommon):
    def test_every_page_opens_in_every_state_of_his_records(self):
        """A rating waiting for his answer (the page once answered 403), a
        case open and one resolved, a piece under and one out of warranty, a
        request just sent; sorted, searched and paged past the end."""
        followup = self._waiting_followup()
        under = followup.order_id.equipment_ids
        expired_order = self._create_order(
            self.contact_anna, [(self.product_machine, 1)], confirm=True
        )
        expired = expired_order.equipment_ids
        expired.date_start = fields.Date.today() - timedelta(days=3 * 365)
        self.assertEqual((under.warranty_state, expired.warranty_state), ("under", "expired"))
        History = self.env["service.history"].with_user(self.portal_user)
        case = History._create_portal_request("repair", "Leaks", equipment=under)
        resolved = History._create_portal_request("question", "Which descaler?")
        resolved.sudo().write({"resolution": "<p>The blue one.</p>"})
        resolved.sudo().action_case_resolve()

        self.authenticate("saa_anna", "saa_anna")
        token = followup.rating_ids.access_token
        for url in (
            "/my/home",
            "/my",
            "/my/equipment",
            "/my/equipment?sortby=warranty",
            "/my/equipment?sortby=maintenance&search=Espresso&search_in=name",
            "/my/equipment?sortby=nonsense&search=%00&search_in=nonsense",
            "/my/equipment/page/99",
            f"/my/equipment/{under.id}",
            f"/my/equipment/{expired.id}",
            "/my/service",
            "/my/service?sortby=summary&search=Leaks",
            "/my/service?search=" + "x" * 5000,
            "/my/service/page/99",
            f"/my/service/{case.id}",
            f"/my/service/{case.id}?message=created",
            f"/my/service/{resolved.id}",
            "/my/service/request",
            f"/my/service/request?equipment_id={expired.id}",
        ):
            with self.subTest(url=url):
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200, url)
        service = self.url_open("/my/service")
        self.assertIn(f"/rate/{token}/5", service.text, "his pending rating, with its links")
        self.assertIn("Sergio Service", service.text, "the open case's owner")
        self.assertIn("Warranty ended", self.url_open(f"/my/equipment/{expired.id}").text)
        # The trail of Odoo's portal, not a lone home icon.
        piece_page = self.url_open(f"/my/equipment/{under.id}")
        self.assertRegex(piece_page.text, r'breadcrumb-item"><a href="/my/equipment">Equipment')
        self.assertIn(f'breadcrumb-item active">{under.name}', piece_page.text)
        case_page = self.url_open(f"/my/service/{case.id}")
        self.assertIn('<a href="/my/service">Service</a>', case_page.text)

    def test_the_public_is_sent_to_the_login_page(self):
        for url in ("/my/equipment", "/my/service", "/my/service/request", "/my/equipment/1"):
            with self.subTest(url=url):
                page = self.url_open(url, allow_redirects=False)
                self.assertIn(page.status_code, (302, 303))
                self.assertIn("/web/login", page.headers["Location"])

    def test_the_equipment_list_is_searched_and_sorted(self):
        order = self._create_order(self.contact_anna, [(self.product_machine, 2)], confirm=True)
        first, second = order.equipment_ids
        first.serial_number, second.serial_number = "SN-AAA", "SN-BBB"
        self.authenticate("saa_anna", "saa_anna")
        page = self.url_open("/my/equipment?search=BBB&search_in=serial_number")
        self.assertIn("SN-BBB", page.text)
        self.assertNotIn("SN-AAA", page.text)
        page = self.url_open("/my/equipment?search=nothing-like-this")
        self.assertIn("No equipment matches your search.", page.text)


@tagged("post_install", "-at_install")
class TestServiceRequestSubmits(CustomerMomentsCommon):
    def test_the_same_form_sent_twice_is_one_request(self):
        self.authenticate("saa_anna", "saa_anna")
        form = self._request_form()
        data = {**form, "kind": "repair", "description": "The steam wand leaks."}
        first = self.url_open("/my/service/request", data=data)
        second = self.url_open("/my/service/request", data=data)
        case = self._portal_cases()
        self.assertEqual(len(case), 1)
        self.assertTrue(first.url.endswith(f"/my/service/{case.id}?message=created"))
        self.assertEqual(second.url, first.url, "the second answer is the first case")
        # Another form is another request.
        self.url_open(
            "/my/service/request",
            data={**self._request_form(), "kind": "question", "description": "And the descaler?"},
        )
        self.assertEqual(len(self._portal_cases()), 2)

    def test_a_form_without_its_key_is_refused_and_kept(self):
        self.authenticate("saa_anna", "saa_anna")
        form = self._request_form()
        for key in (None, "", "not-a-key", "'; DROP TABLE", "a" * 33):
            with self.subTest(key=key):
                data = {"csrf_token": form["csrf_token"], "kind": "repair", "description": "Leak"}
                if key is not None:
                    data["request_key"] = key
                page = self.url_open("/my/service/request", data=data)
                self.assertEqual(page.status_code, 200)
                self.assertIn("This form has expired", page.text)
                self.assertIn(">Leak</textarea>", page.text, "his text is kept")
        self.assertFalse(self._portal_cases())

    def test_a_flood_of_requests_stops_at_the_hourly_limit(self):
        self.company.portal_request_limit = 3
        self.authenticate("saa_anna", "saa_anna")
        for number in range(3):
            self.url_open(
                "/my/service/request",
                data={**self._request_form(), "kind": "question", "description": f"Q{number}"},
            )
        page = self.url_open(
            "/my/service/request",
            data={**self._request_form(), "kind": "question", "description": "Q4"},
        )
        self.assertIn("You have sent 3 requests in the last hour", page.text)
        self.assertIn("+32 2 555 01 01", page.text)
        self.assertEqual(len(self._portal_cases()), 3, "nothing created beyond the limit")
        # His colleague of the same company is the same customer.
        History = self.env["service.history"].with_user(
            new_test_user(
                self.env,
                login="saa_bob",
                groups="base.group_portal",
                partner_id=self.contact_bob.id,
            )
        )
        with self.assertRaisesRegex(ValidationError, "in the last hour"):
            History._create_portal_request("question", "Q5")
        # An hour later, he may ask again.
        self.env.cr.execute(
            "UPDATE service_history SET create_date = create_date - interval '61 minutes'"
            " WHERE source = 'portal'"
        )
        self.assertTrue(History._create_portal_request("question", "Q6"))
        # 0: no limit; the setting refuses absurd numbers.
        self.company.portal_request_limit = 0
        for _number in range(4):
            History._create_portal_request("question", "Again")
        for limit in (-1, 10**6, 10**12):
            with self.subTest(limit=limit), self.assertRaises(ValidationError):
                self.company.portal_request_limit = limit

    def test_every_request_gets_an_owner_and_a_deadline(self):
        """A repair, a maintenance and a question; about a piece or not; with
        or without the company's default service responsible."""
        order = self._create_order(
            self.contact_anna, [(self.product_machine, 1)], user=self.salesman, confirm=True
        )
        piece = order.equipment_ids
        History = self.env["service.history"].with_user(self.portal_user)
        for kind in ("repair", "maintenance", "question"):
            for equipment in (piece, None):
                with self.subTest(kind=kind, equipment=bool(equipment)):
                    case = History._create_portal_request(kind, "Help", equipment=equipment)
                    self.assertEqual(case.sudo().owner_id, self.service_user)
                    self.assertTrue(case.deadline)
        self.company.handover_default_user_id = False
        case = History._create_portal_request("repair", "Help", equipment=piece)
        self.assertEqual(case.sudo().owner_id, self.salesman, "the order's salesperson")
        # The owner follows the case: what the customer writes reaches him.
        self.assertIn(self.salesman.partner_id, case.sudo().message_partner_ids)
        # The staff's list of cases heads them Owner and Deadline.
        action = self.env.ref("sale_after_sales.service_history_action_my_cases")
        arch = self.env["service.history"].get_view(action.view_id.id, "list")["arch"]
        self.assertIn('string="Owner"', arch)
        self.assertRegex(arch, r'name="deadline"(?![^>]*optional="hide")')

    def test_the_request_opens_its_conversation(self):
        """In the browser: his words are the first message of the thread, he
        writes more at once, and it reaches the case's owner."""
        self.env["service.history"].with_user(self.portal_user)._create_portal_request(
            "repair", "Water under the machine since Monday."
        )
        case = self._portal_cases()
        self.start_tour(
            f"/my/service/{case.id}", "sale_after_sales_request_conversation_tour", login="saa_anna"
        )
        message = case.message_ids.filtered(lambda m: "got worse" in (m.body or ""))
        self.assertEqual(message.author_id, self.contact_anna)
        self.assertIn(self.service_user.partner_id, message.notification_ids.res_partner_id)


@tagged("post_install", "-at_install")
class TestConcurrentRequests(TransactionCase):
    """Two real connections to the database, each in its own transaction
    and thread, as two HTTP workers serving the same form sent twice."""

    def _committed(self, func):
        with db_connect(self.env.cr.dbname).cursor() as cr:
            result = func(api.Environment(cr, SUPERUSER_ID, {}))
            # Committed on a connection of its own, seen by the two others below.
            cr.commit()  # pylint: disable=invalid-commit
        return result

    def test_the_same_form_sent_at_once_over_two_connections_is_one_request(self):
        key = uuid.uuid4().hex

        def create_customer(env):
            partner = env["res.partner"].create({"name": "Concurrent Customer"})
            user = env["res.users"].create(
                {
                    "name": partner.name,
                    "login": f"saa_concurrent_{key}",
                    "partner_id": partner.id,
                    "group_ids": [Command.set([env.ref("base.group_portal").id])],
                }
            )
            return user.id

        uid = self._committed(create_customer)

        def clean_up(env):
            user = env["res.users"].browse(uid)
            env["service.history"].search([("create_uid", "=", uid)]).unlink()
            user.active = False
            user.partner_id.active = False

        self.addCleanup(self._committed, clean_up)

        # Both requests have looked for the key and found nothing before
        # either creates its case: the moment a browser's double submit hits.
        both_checked = threading.Barrier(2, timeout=30)
        first_try = threading.local()
        History = self.registry["service.history"]
        check_rate = History._check_portal_request_rate

        def check_rate_when_both_checked(records):
            if not getattr(first_try, "done", False):
                first_try.done = True
                both_checked.wait()
            return check_rate(records)

        results, errors = [], []

        def send():
            try:
                with db_connect(self.env.cr.dbname).cursor() as cr:
                    env = api.Environment(cr, uid, {})
                    case_id = retrying(
                        lambda: (
                            env["service.history"]
                            ._create_portal_request("question", "Which descaler?", request_key=key)
                            .id
                        ),
                        env,
                    )
                    results.append(case_id)
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

        with patch.object(History, "_check_portal_request_rate", check_rate_when_both_checked):
            threads = [threading.Thread(target=send) for _i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)
        self.assertFalse(errors)
        self.assertEqual(len(results), 2)
        self.assertEqual(results[0], results[1], "both answered with the same case")
        count = self._committed(
            lambda env: env["service.history"].search_count([("create_uid", "=", uid)])
        )
        self.assertEqual(count, 1)


@tagged("post_install", "-at_install")
class TestOdooRoutesOnTheModulesModels(CustomerMomentsCommon):
    def test_portal_chatter_routes_refuse_a_followup_cleanly(self):
        """Odoo's portal chatter routes with a token on a follow-up: refused
        (a follow-up is never shared by link), no KeyError in the log."""
        followup = self._waiting_followup()
        params = {"thread_model": "service.followup", "thread_id": followup.id, "token": "x"}
        post = {
            **params,
            "post_data": {"body": "Injected", "message_type": "comment"},
        }
        for login in (None, "saa_anna", "saa_marc"):
            with self.subTest(login=login):
                self.authenticate(login, login)
                for url, payload in (
                    ("/mail/chatter_fetch", params),
                    ("/portal/chatter_init", params),
                    ("/mail/message/post", post),
                ):
                    response, body = self._jsonrpc(url, payload)
                    self.assertEqual(response.status_code, 200, url)
                    self.assertNotIn("KeyError", json.dumps(body))
                    # Only Anna reads her follow-up (the record rules); nobody
                    # posts on it from the portal.
                    if url == "/mail/message/post" or (
                        url == "/mail/chatter_fetch" and login != "saa_anna"
                    ):
                        self.assertIn("error", body, url)
        self.assertFalse(followup.message_ids.filtered(lambda m: "Injected" in (m.body or "")))
        # Staff with a token in the request read the chatter as usual.
        self.authenticate("saa_service", "saa_service")
        _response, body = self._jsonrpc("/mail/chatter_fetch", params)
        self.assertNotIn("error", body)

    def test_hostile_rating_links_give_the_not_found_page(self):
        followup = self._waiting_followup()
        token = followup.rating_ids.access_token
        csrf = self._csrf(self.url_open(f"/rate/{token}/1"))
        for url in (
            f"/rate/{token}/2",
            f"/rate/{token}/0",
            f"/rate/{token}/10",
            f"/rate/{token}/99999999999999999999",
            f"/rate/{token}/abc",
            f"/rate/{token}%00/5",
            "/rate/%00/5",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        for rate in ("2", "abc", "", "1e3", "-1", "5\x00"):
            with self.subTest(rate=rate):
                answer = self.url_open(
                    f"/rate/{token}/submit_feedback",
                    data={"rate": rate, "feedback": "x", "csrf_token": csrf},
                )
                self.assertEqual(answer.status_code, 404)
        answer = self.url_open(
            f"/rate/{token}%00/submit_feedback", data={"rate": 1, "csrf_token": csrf}
        )
        self.assertEqual(answer.status_code, 404)
        self.assertEqual((followup.state, followup.answer_state), ("due", "waiting"))

    def test_a_customer_cannot_answer_another_customers_rating(self):
        followup = self._waiting_followup()
        token = followup.rating_ids.access_token
        self.authenticate("saa_marc", "saa_marc")
        page = self.url_open(f"/rate/{token}/1")
        self.assertIn("You cannot rate", page.text, "Odoo's page refuses him already")
        answer = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={
                "rate": 1,
                "feedback": "Sabotage",
                "csrf_token": self._csrf(self.url_open("/my/service/request")),
            },
        )
        self.assertEqual(answer.status_code, 403)
        self.assertIn("You cannot rate", answer.text)
        self.assertEqual((followup.state, followup.answer_state), ("due", "waiting"))
        self.assertFalse(followup.rating_ids.consumed)
        # His colleague may answer for his company.
        self.authenticate("saa_anna", "saa_anna")
        page = self.url_open(f"/rate/{token}/5")
        self.url_open(
            f"/rate/{token}/submit_feedback", data={"rate": 5, "csrf_token": self._csrf(page)}
        )
        self.assertEqual(followup.answer_state, "answered")


@tagged("post_install", "-at_install")
class TestAfterTheAnswer(CustomerMomentsCommon):
    def _answer(self, followup, rate):
        token = followup.rating_ids.access_token
        page = self.url_open(f"/rate/{token}/{rate}")
        return self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": rate, "feedback": "Well", "csrf_token": self._csrf(page)},
        )

    def test_an_unhappy_customer_is_told_who_calls_him_back_and_by_when(self):
        followup = self._waiting_followup()
        page = self._answer(followup, 1)
        case = followup.case_id
        self.assertTrue(case)
        self.assertIn("We are sorry, and we are on it.", page.text)
        self.assertIn("Sergio Service", page.text)
        self.assertIn("will contact you", page.text)
        self.assertIn(case.deadline.strftime("%m/%d/%Y"), page.text)
        self.assertIn('href="tel:+32 2 555 01 01"', page.text)
        self.assertNotIn("Thank you for your feedback!", page.text)

    def test_a_happy_customer_is_pointed_to_his_equipment_and_advice(self):
        followup = self._waiting_followup()
        page = self._answer(followup, 5)
        self.assertIn("glad you are satisfied", page.text)
        self.assertIn('id="saa_rating_equipment_link"', page.text)
        self.assertFalse(followup.case_id)
        page = self._answer(self._waiting_followup(), 3)
        self.assertIn("Thank you for your answer.", page.text)

    def test_the_rating_email_is_headed_for_the_customer(self):
        followup = self._waiting_followup()
        mail = self.env["mail.mail"].search(
            [("model", "=", "service.followup"), ("res_id", "=", followup.id)]
        )
        self.assertEqual(mail.subject, f"Your opinion counts ({followup.order_id.name})")
        self.assertIn("Your opinion counts", mail.body_html)
        self.assertIn(f"order {followup.order_id.name}", mail.body_html)
        self.assertNotIn("satisfaction call #2", mail.body_html)
        self.assertNotIn("satisfaction call #2", mail.subject)
        self.assertNotIn("After-Sales Follow-up", mail.body_html)
