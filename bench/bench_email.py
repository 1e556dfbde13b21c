"""The e-mail step (``make bench --email-orders N``): the shipped thank-you sent
by the scheduled action, beside Odoo's automation rules sending the same
template on the same orders; then the fault case: one order among N whose
e-mail fails to render."""

from bench_common import WARM_UP_ORDERS, median_ratio, ratio
from bench_peers import automation_rule_emails


def _email_plan(bench, template, name):
    return bench.only_plan(
        name,
        {
            "name": name,
            "create_activity": False,
            "send_mail": True,
            "mail_template_id": template.id,
        },
    )


def _run_step(bench, orders, label):
    Followup = bench.env["service.followup"]
    with bench.measure(label, len(orders)) as figures:
        Followup._cron_process_due(batch_size=bench.args.batch_size)
    return figures


def email_step(bench, partner, product, user, activity_step):
    print()
    env, args = bench.env, bench.args
    Followup = env["service.followup"]
    template = env.ref("sale_after_sales.mail_template_followup_thank_you")
    plan = _email_plan(bench, template, "Bench: thank-you")
    warm = bench.create_orders(WARM_UP_ORDERS, partner, product, user)
    with bench.warm_up():
        _run_step(bench, warm, "warm-up")
    orders = bench.create_orders(args.email_orders, partner, product, user)
    plan.active = False
    bench.cr.commit()
    ours = _run_step(bench, orders, f"e-mail step (batches of {args.batch_size})")
    sent = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "done")])
    assert sent == len(orders), f"{sent} e-mails for {len(orders)} orders"
    with bench.warm_up():
        automation_rule_emails(bench, warm, template)
        automation_rule_emails(bench, warm, template, "comment")
    rule = automation_rule_emails(bench, orders, template)
    as_message = automation_rule_emails(bench, orders[: args.peer_orders], template, "comment")
    print("e-mail step against Odoo's tools (goal: 5x the rule, a third of the activity step):")
    ratio(ours, rule, "the automation rule sending the same template as e-mail")
    ratio(ours, as_message, "the automation rule sending it as a message (the UI's default)")
    ratio(ours, activity_step, "the activity step (as a fraction: e-mail step / activity step)")
    fault_case(bench, partner, product, user)


def fault_case(bench, partner, product, user):
    """The same number of e-mails with a template that shows the customer's
    reference: every order has one (clean), then one order has none (its
    e-mail fails to render); ``--rounds`` times, alternately, compared by
    the median of the rounds."""
    print()
    args = bench.args
    templates = []  # the template, made after the first orders (below)
    pairs = [
        tuple(
            _fault_run(bench, templates, partner, product, user, case, missing)
            for case, missing in (("clean", None), ("faulty", args.email_orders // 2))
        )
        for _round in range(args.rounds)
    ]
    # Ratios of faulty to clean (the inverse of a speed-up).
    faulty_to_clean = [(faulty, clean) for clean, faulty in pairs]
    label = f"one render error among {args.email_orders}: time (goal: within 1.2x)"
    median_ratio(faulty_to_clean, label, key="seconds")
    median_ratio(faulty_to_clean, "queries (same goal)", key="queries")


def _fault_run(bench, templates, partner, product, user, case, missing):
    env, count = bench.env, bench.args.email_orders
    Followup = env["service.followup"]
    orders = bench.create_orders(count, partner, product, user, client_order_ref="ref")
    if not templates:  # checked on save against the latest order: one with a reference
        templates.append(
            env.ref("sale_after_sales.mail_template_followup_thank_you").copy(
                {
                    "name": "Bench: thank-you with reference",
                    "body_html": (
                        '<p>Your reference: <t t-out="object.client_order_ref.upper()"/></p>'
                    ),
                }
            )
        )
    template = templates[0]
    if missing is not None:
        orders[missing].client_order_ref = False
    # The step's plan comes after the orders (its template is checked against
    # the latest order), applied to them as by "Apply Follow-up Plan".
    plan = _email_plan(bench, template, f"Bench: reference ({case})")
    orders._plan_followups("order_confirmed", plans=plan)
    plan.active = False
    bench.cr.commit()
    figures = _run_step(bench, orders, f"e-mail step, {case}")
    domain = [("order_id", "in", orders.ids), ("plan_id", "=", plan.id)]
    done = Followup.search_count([*domain, ("state", "=", "done")])
    failed = Followup.search_count([*domain, ("state", "=", "failed")])
    print(f"  {done} sent, {failed} failed")
    assert (done, failed) == ((count, 0) if missing is None else (count - 1, 1)), (done, failed)
    return figures
