"""Shared by the benchmark scripts: measuring, making orders, ratios."""

import io
import statistics
import time
from contextlib import contextmanager, redirect_stdout

# Orders each tool first runs on, not measured (``Bench.warm_up``).
WARM_UP_ORDERS = 20


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.cr = env.cr
        self.args = args

    @contextmanager
    def measure(self, label, count):
        """Wall time, queries and records/s of the block (flushed and committed)."""
        env, cr = self.env, self.cr
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
            count=count,
            seconds=elapsed,
            queries=cr.sql_log_count - queries,
            per_second=count / elapsed if elapsed else float("inf"),
        )
        print(
            f"{label:<46} {count:>7} records  {elapsed:8.2f} s  "
            f"{figures['queries']:>8} queries  {figures['per_second']:9.1f} records/s",
            flush=True,
        )

    @contextmanager
    def warm_up(self):
        """A first run of a tool on a few other orders, neither measured nor
        printed: every tool, ours and Odoo's alike, is then measured as a
        running server finds it (templates compiled, caches filled), not as
        the first thing a new process does."""
        with redirect_stdout(io.StringIO()):
            yield
        self.env.flush_all()
        self.cr.commit()

    def only_plan(self, name, step_vals, **plan_vals):
        """A plan of one step (``step_vals``), the only active one: the orders
        made next get this step's follow-up alone (committed)."""
        Plan = self.env["service.followup.plan"]
        Plan.search([]).active = False
        plan = Plan.create({"name": name, "step_ids": [(0, 0, step_vals)], **plan_vals})
        self.cr.commit()
        return plan

    def new_orders(self, partners, product, user, quantity=1, **values):
        """A quotation of ``quantity`` ``product`` for each of ``partners`` (a
        partner may come several times), sold by ``user`` and followed by him,
        as salespeople follow their orders (made without the chatter, so
        subscribed by hand: every tool measured then finds him a follower, none
        pays for it). Not confirmed, not committed."""
        orders = (
            self.env["sale.order"]
            .with_context(tracking_disable=True)
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "user_id": user.id,
                        "order_line": [
                            (0, 0, {"product_id": product.id, "product_uom_qty": quantity})
                        ],
                        **values,
                    }
                    for partner in partners
                ]
            )
            .with_env(self.env)
        )
        orders.message_subscribe(partner_ids=user.partner_id.ids)
        return orders

    def create_orders(self, count, partner, product, user, quantity=1, **values):
        """``count`` confirmed orders of ``quantity`` ``product`` (setup, not
        measured: no chatter), committed 500 at a time."""
        env, cr = self.env, self.cr
        orders = env["sale.order"]
        for start in range(0, count, 500):
            chunk = self.new_orders(
                [partner] * min(500, count - start), product, user, quantity, **values
            )
            chunk.action_confirm()
            env.flush_all()
            cr.commit()
            env.invalidate_all()
            orders |= chunk
        return orders


def ratio(ours, theirs, label):
    """Print how many times ``ours`` is faster than ``theirs``."""
    value = ours["per_second"] / theirs["per_second"]
    print(f"  {value:7.2f}x  {label}")
    return value


def median_ratio(pairs, label, key="per_second"):
    """Print the ratio of each round (``pairs``: [(ours, theirs)], figures of
    ``Bench.measure``) and their median, which the goal is checked against:
    one round alone moves with this shared machine's speed."""
    ratios = [ours[key] / theirs[key] for ours, theirs in pairs]
    value = statistics.median(ratios)
    rounds = ", ".join(f"{r:.2f}" for r in ratios)
    print(f"  {value:7.2f}x  {label} (median of {len(ratios)} rounds: {rounds})")
    return value
