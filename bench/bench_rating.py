"""The customer's voice (``make bench --rating-orders N``): the rating requests
e-mailed by the scheduled action, beside Odoo's rating module asking the same
follow-ups as Odoo's apps do (a record at a time); the customers' answers
through their rating links, a fifth of them unhappy (each opens a complaint
case); the reminders and the "no answer" closes of the ratings not answered."""

import datetime

from bench_common import ratio


def _rating_plan(bench):
    return bench.only_plan(
        "Bench: how satisfied are you?",
        {
            "name": "Rating request",
            "create_activity": False,
            "ask_rating": True,
            "rating_template_id": bench.env.ref(
                "sale_after_sales.mail_template_followup_rating"
            ).id,
            "rating_reminder_days": 3,
            "rating_close_days": 7,
        },
    )


def _asked_followups(bench, partner, product, user, count, label=None):
    """Follow-ups of ``count`` new orders, their rating asked (measured as
    ``label`` when given)."""
    env = bench.env
    plan = _rating_plan(bench)
    orders = bench.create_orders(count, partner, product, user)
    plan.active = False
    bench.cr.commit()
    Followup = env["service.followup"]
    figures = None
    if label:
        with bench.measure(label, count) as figures:
            Followup._cron_process_due(batch_size=bench.args.batch_size)
    else:
        Followup._cron_process_due(batch_size=bench.args.batch_size)
        bench.cr.commit()
    followups = Followup.search([("order_id", "in", orders.ids)])
    waiting = followups.filtered(lambda f: f.answer_state == "waiting")
    assert len(waiting) == count, f"{len(waiting)} ratings asked for {count} orders"
    return followups, figures


def _age_requests(bench, followups, days):
    """Move the rating requests ``days`` back in time (as if sent then)."""
    bench.cr.execute(
        "UPDATE service_followup SET rating_requested_date = now() at time zone 'utc' - %s "
        "WHERE id IN %s",
        [datetime.timedelta(days=days), tuple(followups.ids)],
    )
    bench.cr.commit()
    bench.env.invalidate_all()


def rating(bench, partner, product, user):
    print()
    env, args = bench.env, bench.args
    count = args.rating_orders
    label = f"rating requests (batches of {args.batch_size})"
    followups, ours = _asked_followups(bench, partner, product, user, count, label)

    peers = followups[: args.peer_orders]
    template = env.ref("sale_after_sales.mail_template_followup_rating")
    with bench.measure("Odoo's rating request, a record at a time", len(peers)) as theirs:
        for followup in peers:
            followup.rating_send_request(template, lang=followup.partner_id.lang, force_send=False)
    print("rating requests against Odoo's rating module:")
    ratio(ours, theirs, "Odoo's rating_send_request, a follow-up at a time")

    # The customers answer from their e-mail, one request each (as Odoo's
    # /rate/<token>/<score> page): a fifth of them unhappy.
    answers = [
        (followup, followup.rating_ids[:1].access_token, 1 if index % 5 == 0 else 5)
        for index, followup in enumerate(followups)
    ]
    with bench.measure("customers' answers (one by one)", count):
        for followup, token, score in answers:
            followup.rating_apply(score, token=token, feedback="Bench answer")
    done = followups.filtered(lambda f: f.state == "done" and f.answer_state == "answered")
    assert len(done) == count, f"{len(done)} answers recorded for {count}"
    cases = followups.filtered("case_id")
    print(f"  {len(cases)} complaint cases opened for {count // 5 + (count % 5 > 0)} low scores")

    waiting, _figures = _asked_followups(bench, partner, product, user, count)
    Followup = env["service.followup"]
    _age_requests(bench, waiting, 4)
    with bench.measure("reminders of the ratings not answered", count):
        Followup._process_rating_waits(batch_size=args.batch_size)
    reminded = waiting.filtered("rating_reminded_date")
    assert len(reminded) == count, f"{len(reminded)} reminded of {count}"
    _age_requests(bench, waiting, 8)
    with bench.measure('"no answer" closes', count):
        Followup._process_rating_waits(batch_size=args.batch_size)
    closed = waiting.filtered(lambda f: f.answer_state == "no_answer")
    assert len(closed) == count, f"{len(closed)} closed of {count}"
