"""The statistics of the Retention Analysis, in plain Python (no ORM, no SciPy).

Every interval is two-sided at 95 %. References: Newcombe R. G., "Interval
estimation for the difference between independent proportions: comparison of
eleven methods", Statistics in Medicine 17 (1998) 873-890 (method 10); Welch
B. L., "The generalization of Student's problem when several different
population variances are involved", Biometrika 34 (1947) 28-35; Fleiss J. L.,
Statistical Methods for Rates and Proportions (sample size for two
proportions, unequal groups).
"""

import math

Z_975 = 1.959963984540054  # the standard normal's 97.5th percentile (95 %, two-sided)
Z_80 = 0.8416212335729143  # its 80th percentile (a power of 80 %)


def wilson_interval(successes, n, z=Z_975):
    """Wilson's score interval of a proportion ``successes / n``:

        p = x / n
        centre = (p + z² / 2n) / (1 + z² / n)
        half   = z / (1 + z² / n) · √( p (1 − p) / n + z² / 4n² )
        interval = centre ± half

    ``(None, None)`` when ``n`` is 0."""
    if not n:
        return None, None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe_interval(x1, n1, x2, n2, z=Z_975):
    """Newcombe's hybrid score interval of ``p1 − p2`` (method 10, from the
    Wilson intervals (l1, u1) of p1 and (l2, u2) of p2):

        d = p1 − p2
        lower = d − √( (p1 − l1)² + (u2 − p2)² )
        upper = d + √( (u1 − p1)² + (p2 − l2)² )

    ``(None, None)`` when a group is empty."""
    if not n1 or not n2:
        return None, None
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, z)
    l2, u2 = wilson_interval(x2, n2, z)
    d = p1 - p2
    return (
        d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2),
        d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2),
    )


def _incomplete_beta(a, b, x):
    """The regularized incomplete beta function I_x(a, b), by its continued
    fraction (modified Lentz), as Numerical Recipes' ``betai``."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x > (a + 1) / (a + b + 2):  # the fraction converges fast on this side only
        return 1.0 - _incomplete_beta(b, a, 1 - x)
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= c * d
        if abs(c * d - 1.0) < 1e-15:
            break
    return front * result / a


def t_quantile_975(df):
    """The 97.5th percentile of Student's t with ``df`` (real, > 0) degrees of
    freedom: the t whose two-sided tail P(|T| > t) = I_{df/(df+t²)}(df/2, ½)
    is 5 %, found by bisection (12.706 for 1, 2.228 for 10, 1.960 at infinity)."""
    if df is None or math.isinf(df) or df > 1e7:
        return Z_975
    low, high = 0.0, 1e4
    for _step in range(200):
        middle = (low + high) / 2
        if _incomplete_beta(df / 2, 0.5, df / (df + middle * middle)) > 0.05:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def mean_and_variance(values):
    """The mean and the sample variance (divided by n − 1) of ``values``."""
    n = len(values)
    if not n:
        return None, None
    mean = sum(values) / n
    if n < 2:
        return mean, None
    return mean, sum((v - mean) ** 2 for v in values) / (n - 1)


def welch_interval(values1, values2):
    """Welch's interval of the difference of two means ``m1 − m2``:

        se = √( s1² / n1 + s2² / n2 )
        df = se⁴ / ( (s1² / n1)² / (n1 − 1) + (s2² / n2)² / (n2 − 1) )
        interval = (m1 − m2) ± t(0.975, df) · se

    (s² the sample variances, Welch–Satterthwaite's degrees of freedom).
    ``(None, None)`` when a group has fewer than two values; the difference
    itself when both variances are 0."""
    n1, n2 = len(values1), len(values2)
    if n1 < 2 or n2 < 2:
        return None, None
    m1, v1 = mean_and_variance(values1)
    m2, v2 = mean_and_variance(values2)
    a, b = v1 / n1, v2 / n2
    se = math.sqrt(a + b)
    if not se:
        return m1 - m2, m1 - m2
    df = (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))
    half = t_quantile_975(df) * se
    return m1 - m2 - half, m1 - m2 + half


def median(values):
    values = sorted(values)
    n = len(values)
    if not n:
        return None
    middle = n // 2
    return values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2


def sample_size_two_proportions(p1, p2, ratio=1.0, z_alpha=Z_975, z_beta=Z_80):
    """The customers needed in all to tell ``p1`` from ``p2`` (5 % two-sided,
    80 % power) when group 1 is ``ratio`` times as large as group 2 (Fleiss):

        p̄ = (r·p1 + p2) / (r + 1),  q = 1 − p
        n2 = ( z_α √( p̄ q̄ (1 + 1/r) ) + z_β √( p1 q1 / r + p2 q2 ) )² / (p1 − p2)²
        n1 = r · n2;  total = n1 + n2

    ``None`` when the proportions are equal (no number of customers tells
    them apart) or a group is empty (``ratio`` 0 or infinite)."""
    if p1 == p2 or not ratio or math.isinf(ratio):
        return None
    r = ratio
    pooled = (r * p1 + p2) / (r + 1)
    n2 = (
        z_alpha * math.sqrt(pooled * (1 - pooled) * (1 + 1 / r))
        + z_beta * math.sqrt(p1 * (1 - p1) / r + p2 * (1 - p2))
    ) ** 2 / (p1 - p2) ** 2
    return math.ceil(n2 * (1 + r))
