"""Phone numbers for the generated customers, as customers write them, stored in E.164.

Every number comes from a per-prefix bijection, so none repeats and the UNIQUE index holds;
each one goes through `crm.validation.phone`, the same normalisation as the forms (overseas
numbers dialled nationally get their own region), and numbers the numbering plan rejects
are dropped and replaced.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from crm.errors import ValidationError
from crm.seed_customers import randint
from crm.validation import DOM_PREFIXES as OVERSEAS_DIALLED
from crm.validation import phone as normalise_phone

# Overseas departments: (mobile prefixes, landline prefixes), national format, chosen in the
# ranges the numbering plan allocates (other overseas ranges are partly unallocated).
DOM_PREFIXES = {
    "971": (("0690",), ("05900", "05901", "05902", "05903", "05904", "05905")),
    "972": (("0696", "0697"), ("05960", "05963", "05964", "05965", "05966")),
    "973": (("06940", "06941", "06942", "06944"), ("05940", "05942", "05943", "05944")),
    "974": (("0692",), ("0262",)),
    "976": (("06392", "06396", "06397"), ("02696",)),
}
OVERSEAS_NATIONAL = {
    prefix[:4] for pair in DOM_PREFIXES.values() for side in pair for prefix in side
}
# Metropolitan landline zone (01 to 05) by department.
_ZONES = {
    "1": "75 77 78 91 92 93 94 95",
    "2": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 79 85 86",
    "3": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "4": "01 03 04 05 06 07 11 13 15 20 26 30 34 38 42 43 48 63 66 69 73 74 83 84",
}
LANDLINE_ZONE = {dep: zone for zone, deps in _ZONES.items() for dep in deps.split()}


class UniqueNumbers:
    """National numbers under one prefix, never twice: an affine bijection of a counter."""

    def __init__(self, prefix: str, digits: int, rng: random.Random) -> None:
        self.prefix = prefix
        self.digits = digits
        self.modulus = 10**digits
        # A multiplier prime to 10 makes counter -> number a bijection modulo 10**digits.
        self.multiplier = randint(rng, self.modulus // 7, self.modulus - 1) | 1
        if self.multiplier % 5 == 0:
            self.multiplier += 2
        self.offset = int(rng.random() * self.modulus)
        self.counter = 0

    def next(self) -> str:
        if self.counter >= self.modulus:
            raise OverflowError(f"no more numbers under {self.prefix}")
        value = (self.multiplier * self.counter + self.offset) % self.modulus
        self.counter += 1
        return f"{self.prefix}{value:0{self.digits}d}"


class PhoneFactory:
    """Phone numbers as customers write them, normalised to E.164 like the forms do.

    Every number comes from a per-prefix bijection, so none repeats; numbers that the
    numbering plan rejects (some overseas ranges) or that are reserved are dropped and
    another one is drawn.
    """

    def __init__(self, seed: int, reserved: Iterable[str]) -> None:
        self.rng = random.Random(f"{seed}:phones")
        self.reserved = set(reserved)
        self.generators: dict[str, UniqueNumbers] = {}
        self.dropped = 0

    def _generator(self, prefix: str) -> UniqueNumbers:
        generator = self.generators.get(prefix)
        if generator is None:
            generator = UniqueNumbers(prefix, 10 - len(prefix), self.rng)
            self.generators[prefix] = generator
        return generator

    def _prefix(self, kind: str, postcode: str) -> str:
        dom = DOM_PREFIXES.get(postcode[:3])
        if kind == "box":
            return "09" + str(randint(self.rng, 5, 8))
        if kind == "mobile":
            if dom:
                return self.rng.choice(dom[0])
            # 069x numbers are overseas mobiles: keep them for overseas customers.
            if self.rng.random() < 0.7:
                return "06" + str(randint(self.rng, 0, 8))
            return "07" + str(randint(self.rng, 5, 8))
        if dom:
            return self.rng.choice(dom[1])
        return "0" + LANDLINE_ZONE.get(postcode[:2], "5")

    def _written(self, national: str) -> str:
        """The number as a customer might have typed it in a form."""
        style = self.rng.random()
        overseas = national[:4] in OVERSEAS_NATIONAL
        if not overseas and national[:2] in ("06", "07", "01", "02", "03", "04", "05"):
            pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
            if style < 0.55:
                return pairs
            if style < 0.75:
                return national
            if style < 0.9:
                return "+33 " + pairs[1:]
            if style < 0.95:
                return "+33 (0)" + pairs[1:]
            return pairs.replace(" ", ".")
        # Overseas and 09 numbers: "0692 12 34 56" / "09 51 23 45 67".
        if national.startswith("09"):
            return " ".join(national[i : i + 2] for i in range(0, 10, 2))
        return national[:4] + " " + " ".join(national[i : i + 2] for i in range(4, 10, 2))

    def new(self, kind: str, postcode: str) -> str:
        """A fresh E.164 number: kind 'mobile', 'fixe' (or 'pro') or 'box' (VoIP line)."""
        overseas_customer = postcode[:3] in DOM_PREFIXES
        for _attempt in range(50):
            national = self._generator(self._prefix(kind, postcode)).next()
            # A metropolitan draw under an overseas prefix (02 62…, 05 90…) would be read as
            # an overseas number and could repeat one drawn for an overseas customer.
            if not overseas_customer and national[:4] in OVERSEAS_DIALLED:
                self.dropped += 1
                continue
            written = self._written(national)
            try:
                e164 = normalise_phone(written)
            except ValidationError:
                self.dropped += 1
                continue
            if e164 in self.reserved:
                self.dropped += 1
                continue
            return e164
        raise RuntimeError(f"cannot draw a valid {kind} number for {postcode}")
