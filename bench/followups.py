"""Benchmark of the follow-ups (run by ``make bench``, not a test).

Creates N confirmed orders whose follow-up (a welcome call) is due today, runs
the real scheduled action method (batches, row locks, a commit per batch) and
prints wall time, queries and records per second. Then Odoo's own tools do the
same work on the same orders: an automation rule with a time trigger on the
order creating the activity (with and without the e-mail to the assignee), and
the activity plan launched from the *Schedule activity* wizard. The step and
the rule without e-mails run again on new orders (``--rounds``), and their
goal is checked against the median ratio of the rounds.

Then, each with its option: the handover checks on many orders; the e-mail
step against the automation rule sending the same template, and one render
error among the e-mails (bench_email.py); the rating requests, answers,
reminders and closes (bench_rating.py); orders confirmed and followed up with
a plan at 0 % and 10 % held back (bench_holdback.py, alone: ``--holdback``);
the equipment (bench_equipment.py); the customers' health (bench_health.py);
the offers and the gifts beside Odoo's quotation e-mail and Generate Coupons
wizard (bench_offers.py, bench_gifts.py);
several processes sharing the due follow-ups (bench_concurrency.py); the read
screens at 1 000 and 100 000 orders (``--growth``, bench_growth.py).

Runs inside ``click-odoo``, which provides ``env``; bench/run puts this folder
on the Python path.
"""

import argparse
import statistics
import sys
import time

from bench_common import WARM_UP_ORDERS, Bench, median_ratio, ratio
from bench_concurrency import concurrency_check
from bench_email import email_step
from bench_equipment import equipment
from bench_gifts import gifts
from bench_handover import handover_checks
from bench_health import health
from bench_holdback import holdback
from bench_offers import offers
from bench_peers import activity_plan_wizard, automation_rule_activities
from bench_rating import rating

from odoo.addons.sale_after_sales.models.service_followup_execution import DEFAULT_BATCH_SIZE

parser = argparse.ArgumentParser(prog="bench/run")
parser.add_argument("--count", type=int, default=2_000, help="orders (default 2000)")
parser.add_argument(
    "--batch-size",
    type=int,
    default=DEFAULT_BATCH_SIZE,
    help=f"follow-ups per batch (default {DEFAULT_BATCH_SIZE}, the scheduled action's)",
)
parser.add_argument(
    "--rounds",
    type=int,
    default=3,
    help="rounds of the activity step against the rule without e-mails, and of the "
    "fault case: the goals are checked against their median (default 3)",
)
parser.add_argument(
    "--peer-orders",
    type=int,
    default=300,
    help="orders for Odoo's slowest tools (assignee e-mails, messages), default 300",
)
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
    "--rating-orders",
    type=int,
    default=1000,
    help="orders whose rating is asked, answered, reminded and closed (default 1000, 0: skip)",
)
parser.add_argument(
    "--equipment-pieces",
    type=int,
    default=10_000,
    help="pieces of equipment whose maintenance rolls forward (default 10000, 0: skip)",
)
parser.add_argument(
    "--health-customers",
    type=int,
    default=10_000,
    help="customers whose service health is recomputed (default 10000, 0: skip)",
)
parser.add_argument(
    "--offer-pieces",
    type=int,
    default=1000,
    help="pieces whose offer is made and e-mailed, one a customer (default 1000, 0: skip)",
)
parser.add_argument(
    "--gift-customers",
    type=int,
    default=1000,
    help="satisfied customers given a coupon and its e-mail (default 1000, 0: skip)",
)
parser.add_argument(
    "--concurrency-check",
    type=int,
    default=0,
    metavar="P",
    help="run the scheduled action in 1, 2 and P processes at once (0: skip)",
)
parser.add_argument(
    "--concurrency-orders", type=int, default=4000, help="due follow-ups shared by the processes"
)
parser.add_argument(
    "--holdback-orders",
    type=int,
    default=1000,
    help="orders confirmed and followed up at 0 %% and 10 %% held back (default 1000, 0: skip)",
)
parser.add_argument("--holdback", action="store_true", help="only the hold-back figures")
parser.add_argument(
    "--growth",
    action="store_true",
    help="only the read screens at 1 000 and 100 000 orders (bench_growth.py)",
)
args = parser.parse_args(sys.argv[1:])
if args.rounds < 1:
    parser.error("--rounds takes a whole number of at least 1")
bench = Bench(env, args)  # noqa: F821 - env is provided by click-odoo


def activity_step(partner, product, user):
    env = bench.env
    Followup = env["service.followup"]
    call = env.ref("mail.mail_activity_data_call")
    plan = bench.only_plan(
        "Bench: welcome call",
        {"name": "Welcome call", "activity_type_id": call.id, "delay_count": 0},
    )
    warm = bench.create_orders(WARM_UP_ORDERS, partner, product, user)
    with bench.warm_up():
        Followup._cron_process_due(batch_size=args.batch_size)
    orders = _due_orders(plan, partner, product, user)
    print(f"each tool first ran on {WARM_UP_ORDERS} other orders, not measured")
    print()
    ours = _measure_activity_step(orders)
    with bench.warm_up():
        automation_rule_activities(bench, warm)
        automation_rule_activities(bench, warm, quiet=True)
        activity_plan_wizard(bench, warm, user)
    rule = automation_rule_activities(bench, orders[: args.peer_orders])
    quiet = automation_rule_activities(bench, orders, quiet=True)
    wizard = activity_plan_wizard(bench, orders, user)
    rounds = [(ours, quiet)]
    for number in range(2, args.rounds + 1):
        print(f"round {number}: the activity step and the rule without e-mails again")
        more = _due_orders(plan, partner, product, user)
        rounds.append(
            (_measure_activity_step(more), automation_rule_activities(bench, more, quiet=True))
        )
    batches = -(-args.count // args.batch_size)
    print(f"queries per batch of {args.batch_size}: {ours['queries'] / batches:.1f}")
    print("activity step against Odoo's tools (goal: 15x the rule without e-mails):")
    ratio(ours, rule, "the automation rule creating the activity")
    median_ratio(rounds, "the automation rule, without the assignee e-mails")
    ratio(ours, wizard, "the activity plan wizard")
    # The e-mail step is compared with the activity step's median round.
    median = statistics.median(figures["per_second"] for figures, _rule in rounds)
    return orders, dict(ours, per_second=median)


def _due_orders(plan, partner, product, user):
    """``args.count`` confirmed orders whose follow-up of ``plan`` is due."""
    print(f"creating {args.count} confirmed orders with a due follow-up...", flush=True)
    start = time.perf_counter()
    plan.active = True
    orders = bench.create_orders(args.count, partner, product, user)
    plan.active = False
    bench.cr.commit()
    print(f"  done in {time.perf_counter() - start:.1f} s", flush=True)
    due = bench.env["service.followup"].search_count(
        [("order_id", "in", orders.ids), ("state", "=", "planned")]
    )
    assert due == args.count, f"expected {args.count} planned follow-ups, got {due}"
    return orders


def _measure_activity_step(orders):
    Followup = bench.env["service.followup"]
    with bench.measure(f"activity step (batches of {args.batch_size})", args.count) as ours:
        Followup._cron_process_due(batch_size=args.batch_size)
    done = Followup.search_count([("order_id", "in", orders.ids), ("state", "=", "due")])
    assert done == args.count, f"expected {args.count} follow-ups processed, got {done}"
    return ours


def main():
    env = bench.env
    if args.growth:
        from bench_growth import growth  # noqa: PLC0415 - a separate run

        growth(bench)
        return
    user = env.ref("base.user_admin")
    partner = env["res.partner"].create({"name": "Bench Customer", "email": "bench@example.com"})
    product = env["product.product"].create({"name": "Bench Product", "list_price": 10})
    # The scheduled action is what processes these; keep the cron worker (if
    # any) from racing the measurement.
    env.ref("sale_after_sales.ir_cron_process_due_followups").active = False
    bench.cr.commit()
    if args.holdback:
        holdback(bench, product, user)
        return
    orders, ours = activity_step(partner, product, user)
    if args.handover_orders:
        handover_checks(bench, orders[: args.handover_orders])
    if args.email_orders:
        email_step(bench, partner, product, user, ours)
    if args.rating_orders:
        rating(bench, partner, product, user)
    if args.holdback_orders:
        holdback(bench, product, user)
    if args.equipment_pieces:
        equipment(bench, partner, user)
    if args.health_customers:
        health(bench, user, args.health_customers)
    if args.offer_pieces:
        offers(bench, user)
    if args.gift_customers:
        gifts(bench, product, user)
    if args.concurrency_check:
        concurrency_check(bench, partner, product, user)


main()
