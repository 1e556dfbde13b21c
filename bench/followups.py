"""Benchmark of the follow-up scheduled action (run by ``make bench``, not a test).

Creates N confirmed orders whose follow-up (a satisfaction call) is due today,
runs the real scheduled action method (batches, row locks, a commit per batch)
and prints wall time, queries and follow-ups per second. Then it does the same
work the obvious way, as a hand-built automation rule would: one activity per
order, created in a Python loop through the ORM, on the same orders; and once
more without the e-mail that tells the assignee (the scheduled action does not
send it either: assignees find their follow-ups in their lists).

It also runs every handover check on ``--handover-orders`` of those orders
(default 1000) and on a tenth of them: the queries do not grow with the orders.

With ``--concurrency-check M`` it also plans M more follow-ups and runs two
scheduled actions at the same time in two threads with their own database
connections, then checks that no follow-up got two activities.

Runs inside ``click-odoo``, which provides ``env``.
"""

import argparse
import sys
import threading
import time
from contextlib import contextmanager

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, api, fields

parser = argparse.ArgumentParser(prog="bench/run")
parser.add_argument("--count", type=int, default=10_000, help="orders (default 10000)")
parser.add_argument("--batch-size", type=int, default=200, help="follow-ups per batch")
parser.add_argument("--concurrency-check", type=int, default=0, metavar="M")
parser.add_argument(
    "--handover-orders", type=int, default=1000, help="orders whose handover checks run"
)
parser.add_argument(
    "--email-orders",
    type=int,
    default=1000,
    help="orders whose thank-you e-mail step is measured (default 1000, 0: skip)",
)
parser.add_argument(
    "--equipment-pieces",
    type=int,
    default=10_000,
    help="pieces of equipment whose maintenance rolls forward (default 10000, 0: skip)",
)
args = parser.parse_args(sys.argv[1:])

env = env  # noqa: F821, PLW0127 - provided by click-odoo
cr = env.cr


@contextmanager
def measure(label, count):
    env.flush_all()
    env.invalidate_all()
    queries = cr.sql_log_count
    start = time.perf_counter()
    figures = {}
    yield figures
    env.flush_all()
    cr.commit()
    elapsed = time.perf_counter() - start
    figures.update(
        label=label,
        seconds=elapsed,
        queries=cr.sql_log_count - queries,
        per_second=count / elapsed if elapsed else float("inf"),
    )
    print(
        f"{label:<42} {count:>7} records  {elapsed:8.2f} s  "
        f"{figures['queries']:>8} queries  {figures['per_second']:9.1f} records/s",
        flush=True,
    )


def create_orders(count, partner, product, user):
    orders = env["sale.order"]
    for start in range(0, count, 500):
        # Setup, not measured: skip the chatter of the new orders.
        chunk = (
            env["sale.order"]
            .with_context(tracking_disable=True)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "user_id": user.id,
                        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 1})],
                    }
                    for _ in range(min(500, count - start))
                ]
            )
        )
        chunk = chunk.with_env(env)
        chunk.action_confirm()
        env.flush_all()
        cr.commit()
        env.invalidate_all()
        orders |= chunk
    return orders


def main():
    Followup = env["service.followup"]
    env["service.followup.plan"].search([]).active = False
    call = env.ref("mail.mail_activity_data_call")
    plan = env["service.followup.plan"].create(
        {
            "name": "Bench: welcome call",
            "step_ids": [
                (0, 0, {"name": "Welcome call", "activity_type_id": call.id, "delay_count": 0}),
            ],
        }
    )
    user = env.ref("base.user_admin")
    partner = env["res.partner"].create({"name": "Bench Customer", "email": "bench@example.com"})
    product = env["product.product"].create({"name": "Bench Product", "list_price": 10})
    # The scheduled action is what processes these; keep the cron worker (if
    # any) from racing the measurement.
    env.ref("sale_after_sales.ir_cron_process_due_followups").active = False
    cr.commit()

    print(f"creating {args.count} confirmed orders with a due follow-up...", flush=True)
    start = time.perf_counter()
    orders = create_orders(args.count, partner, product, user)
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    due = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "planned")])
    assert due == args.count, f"expected {args.count} planned follow-ups, got {due}"

    print()
    with measure(f"scheduled action (batches of {args.batch_size})", args.count) as ours:
        Followup._cron_process_due(batch_size=args.batch_size)
    done = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "due")])
    assert done == args.count, f"expected {args.count} follow-ups processed, got {done}"

    with measure("ORM loop, one activity per order", args.count) as loop:
        deadline = fields.Date.context_today(env["sale.order"])
        for order in orders:
            order.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=deadline,
                summary="Welcome call",
                user_id=order.user_id.id,
            )

    with measure("ORM loop, without assignment e-mails", args.count) as quiet:
        for order in orders.with_context(mail_activity_quick_update=True):
            order.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=deadline,
                summary="Welcome call",
                user_id=order.user_id.id,
            )

    batches = -(-args.count // args.batch_size)
    print()
    print(f"queries per batch of {args.batch_size}: {ours['queries'] / batches:.1f}")
    print(
        f"queries per follow-up: {ours['queries'] / args.count:.2f} "
        f"(ORM loop: {loop['queries'] / args.count:.2f})"
    )
    print(
        f"throughput: {ours['per_second'] / loop['per_second']:.1f}x the ORM loop, "
        f"{ours['per_second'] / quiet['per_second']:.1f}x the loop without assignment e-mails"
    )

    handover_checks(orders[: args.handover_orders])

    if args.email_orders:
        email_step(partner, product, user)

    if args.equipment_pieces:
        equipment(partner, user)

    if args.concurrency_check:
        concurrency_check(plan, partner, product, user)


def handover_checks(orders):
    """All the handover checks on many orders: the queries do not grow with them.

    Each order gets a customer of its own, so the customers are read too.
    """
    print()
    Partner = env["res.partner"]
    country = env.ref("base.be")
    partners = Partner.create(
        [
            {
                "name": f"Bench Customer {index}",
                "email": f"customer{index}@example.com",
                "phone": f"+32 2 555 {index:05d}",
                "street": f"{index} Bench Street",
                "city": "Brussels",
                "country_id": country.id,
            }
            for index in range(len(orders))
        ]
    )
    orders.write({"handover_note": "<p>Bench</p>"})
    orders._workflow().write({"handover_state": "checking"})  # the workflow's own field
    env.flush_all()
    # Setup, not measured: a direct update, not the order's onchange cascade.
    cr.execute(
        """UPDATE sale_order SET partner_id = new.partner_id, partner_shipping_id = new.partner_id,
                                 partner_invoice_id = new.partner_id
             FROM unnest(%s::int[], %s::int[]) AS new(order_id, partner_id)
            WHERE sale_order.id = new.order_id""",
        [orders.ids, partners.ids],
    )
    env.invalidate_all()
    for count in (len(orders) // 10, len(orders)):
        subset = orders[:count]
        subset.handover_result_ids.unlink()
        env.flush_all()  # the setup above is not measured
        cr.commit()
        with measure(f"handover checks on {count} orders", count) as figures:
            subset._run_handover_checks()
        print(f"  {figures['queries']} queries for {len(subset.handover_result_ids)} results")
    subset[::2].write({"handover_note": False})
    env.flush_all()
    cr.commit()
    with measure(f"again, half of the {count} orders changed", count) as figures:
        subset._run_handover_checks()
    failed = subset.handover_result_ids.filtered(lambda r: r.state == "fail")
    print(f"  {figures['queries']} queries, {len(failed)} checks failing")


def email_step(partner, product, user):
    """The shipped thank-you e-mail as a follow-up step (the scheduled action,
    each template compiled once per batch), beside Odoo's own sending of the same
    template on the same orders (``send_mail_batch``, what a "send e-mail"
    automation does; it compiles the template for each e-mail)."""
    print()
    Followup = env["service.followup"]
    template = env.ref("sale_after_sales.mail_template_followup_thank_you")
    env["service.followup.plan"].search([]).active = False  # only the thank-you on these orders
    plan = env["service.followup.plan"].create(
        {
            "name": "Bench: thank-you",
            "step_ids": [
                (
                    0,
                    0,
                    {
                        "name": "Thank you",
                        "create_activity": False,
                        "send_mail": True,
                        "mail_template_id": template.id,
                    },
                )
            ],
        }
    )
    cr.commit()
    orders = create_orders(args.email_orders, partner, product, user)
    plan.active = False
    cr.commit()
    with measure(f"e-mail step (batches of {args.batch_size})", len(orders)) as ours:
        Followup._cron_process_due(batch_size=args.batch_size)
    sent = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "done")])
    assert sent >= len(orders), f"{sent} e-mails for {len(orders)} orders"
    with measure("Odoo's send_mail_batch, same template", len(orders)) as odoo:
        for start in range(0, len(orders), args.batch_size):
            template.send_mail_batch(
                orders[start : start + args.batch_size].ids,
                email_layout_xmlid="mail.mail_notification_light",
            )
    print(f"e-mail step: {ours['per_second'] / odoo['per_second']:.1f}x Odoo's send_mail_batch")


def equipment(partner, user):
    """Equipment: creating the pieces of many confirmed orders (5 units each),
    then their maintenance reminders planned, carried out by the scheduled
    action in its batches, and rolled forward when done."""
    print()
    Followup = env["service.followup"]
    pieces_count = args.equipment_pieces
    product = env["product.product"].create({"name": "Bench Machine", "list_price": 100})
    orders = env["sale.order"]
    for start in range(0, pieces_count // 5, 500):
        chunk = (
            env["sale.order"]
            .with_context(tracking_disable=True)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "user_id": user.id,
                        "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 5})],
                    }
                    for _ in range(min(500, pieces_count // 5 - start))
                ]
            )
        )
        chunk.action_confirm()  # not tracked yet: no equipment
        cr.commit()
        orders |= chunk
    product.product_tmpl_id.write(
        {
            "service_track_equipment": True,
            "service_warranty_months": 24,
            "service_maintenance_months": 12,
        }
    )
    env["service.followup.plan"].create(
        {
            "name": "Bench: maintenance",
            "step_ids": [
                (0, 0, {"name": "Maintenance", "equipment_recurring": True, "delay_count": 0}),
            ],
        }
    )
    cr.commit()
    for subset in (orders[: len(orders) // 10], orders[len(orders) // 10 :]):
        with measure(
            f"equipment of {len(subset)} orders (5 units each)", len(subset) * 5
        ) as figures:
            subset._create_equipment()
        print(f"  {figures['queries']} queries")
    pieces = orders.equipment_ids
    today = fields.Date.context_today(pieces)
    with measure(f"maintenance due today on {len(pieces)} pieces: reminders", len(pieces)):
        pieces.write({"date_start": today - relativedelta(months=12)})
    reminders = Followup.search([("equipment_id", "in", pieces.ids), ("state", "=", "planned")])
    assert len(reminders) == len(pieces), f"{len(reminders)} reminders for {len(pieces)} pieces"
    with measure(f"scheduled action (batches of {args.batch_size})", len(reminders)) as figures:
        Followup._cron_process_due(batch_size=args.batch_size)
    due = Followup.search_count([("id", "in", reminders.ids), ("state", "=", "due")])
    print(f"  {due} reminders due, {figures['queries'] / len(reminders):.2f} queries each")
    with measure(f"maintenance done on {len(pieces)} pieces: rolled forward", len(pieces)):
        for start in range(0, len(reminders), args.batch_size):
            reminders[start : start + args.batch_size]._close()
    following = Followup.search_count(
        [("equipment_id", "in", pieces.ids), ("state", "=", "planned")]
    )
    print(f"  {following} reminders planned a year later, one per piece")


def concurrency_check(plan, partner, product, user):
    count = args.concurrency_check
    print(f"\nconcurrency: {count} more follow-ups, two scheduled actions at once...", flush=True)
    orders = create_orders(count, partner, product, user)
    errors = []

    def worker():
        try:
            with env.registry.cursor() as worker_cr:
                worker_env = api.Environment(worker_cr, SUPERUSER_ID, {})
                worker_env["service.followup"]._cron_process_due(batch_size=50)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    env.invalidate_all()
    cr.execute(
        """SELECT res_id, count(*) FROM mail_activity
            WHERE res_model = 'sale.order' AND res_id = ANY(%s)
         GROUP BY res_id HAVING count(*) > 1""",
        [orders.ids],
    )
    doubles = cr.fetchall()
    processed = env["service.followup"].search_count(
        [("order_id", "in", orders.ids), ("state", "=", "due")]
    )
    print(
        f"  errors: {len(errors)}; processed: {processed}/{count}; "
        f"orders with two activities: {len(doubles)}"
    )
    if errors or doubles or processed != count:
        raise SystemExit("concurrency check FAILED")
    print("  concurrency check OK")


main()
