"""The M/M/c queue in closed form (Erlang C): how long a patient waits for one of c places.

Assumptions, which the simulation does not need but this formula does: patients arrive at random
(a Poisson process, ``arrivals_per_day`` on average), each holds a place for an exponentially
distributed time (mean ``mean_service_days``), there are ``servers`` identical places, patients wait
in one queue and are served first come, first served, and the queue has settled (steady state). The
offered load ``a = arrivals_per_day * mean_service_days`` is the number of places that would be busy
with no queue; the queue is stable only if ``a < servers``.

The formulas are the standard ones (Erlang 1917; any queueing text, for example Kleinrock, Queueing
Systems, vol. 1, section 3.5). The Erlang B probability is computed with its recurrence
``B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))``, which stays accurate for hundreds of places where the
textbook sum of ``a**k / k!`` overflows.
"""

from __future__ import annotations

from academy.models.validation import require_positive


class UnstableQueueError(ValueError):
    """The offered load is at or above the number of places: the queue grows without limit."""


def offered_load(arrivals_per_day: float, mean_service_days: float) -> float:
    """Return the offered load in places (Erlang): arrivals a day x mean days a place is held."""
    arrivals = float(require_positive("arrivals_per_day", arrivals_per_day))
    service = float(require_positive("mean_service_days", mean_service_days))
    return arrivals * service


def check_servers(servers) -> int:
    """Return ``servers`` as an int, or raise ValueError unless it is a whole number of 1 or more."""
    if isinstance(servers, bool) or not float(servers).is_integer() or servers < 1:
        raise ValueError(f"servers must be a whole number of places, 1 or more; got {servers!r}")
    return int(servers)


def check_stable(load: float, servers: int, name: str = "servers") -> None:
    """Raise UnstableQueueError, naming ``name``, unless the offered load is below the places."""
    if load >= servers:
        raise UnstableQueueError(
            f"{name} is {servers}, but the load is {load:.1f} places (arrivals a day x mean days held): "
            f"the queue would grow without limit, so it is not simulated. Add places or shorten the stay "
            f"so that {name} is above {load:.1f}."
        )


def erlang_c_probability_of_waiting(arrivals_per_day: float, mean_service_days: float, servers: int) -> float:
    """Return the probability (0 to 1) that an arriving patient finds every place taken and waits."""
    load = offered_load(arrivals_per_day, mean_service_days)
    servers = check_servers(servers)
    check_stable(load, servers)
    blocking = 1.0  # Erlang B with 0 places
    for k in range(1, servers + 1):
        blocking = load * blocking / (k + load * blocking)
    return servers * blocking / (servers - load * (1.0 - blocking))


def erlang_c_mean_wait_days(arrivals_per_day: float, mean_service_days: float, servers: int) -> float:
    """Return the mean wait for a place in days, over all arrivals (those who do not wait count 0).

    ``Wq = C(c, a) x mean_service_days / (c - a)``; by Little's law the mean queue is
    ``arrivals_per_day x Wq`` patients.
    """
    probability = erlang_c_probability_of_waiting(arrivals_per_day, mean_service_days, servers)
    load = offered_load(arrivals_per_day, mean_service_days)
    return probability * mean_service_days / (int(servers) - load)
