"""Password hashes: scrypt, salted per user, self-describing."""

from __future__ import annotations

from crm.passwords import hash_password, verify_password


def test_right_password_verifies_and_wrong_ones_do_not() -> None:
    stored = hash_password("Orbelia 2026 !")
    assert verify_password("Orbelia 2026 !", stored)
    assert not verify_password("orbelia 2026 !", stored)
    assert not verify_password("", stored)


def test_each_hash_has_its_own_salt() -> None:
    first, second = hash_password("eleve"), hash_password("eleve")
    assert first != second
    assert first.startswith("scrypt$16384$8$1$")
    assert verify_password("eleve", first) and verify_password("eleve", second)


def test_same_salt_gives_same_hash() -> None:
    salt = b"0123456789abcdef"
    assert hash_password("jury", salt=salt) == hash_password("jury", salt=salt)


def test_malformed_stored_hashes_never_match() -> None:
    for stored in ["", "eleve", "bcrypt$x", "scrypt$0$8$1$AA==$AA==", "scrypt$16384$8$1$!!$??"]:
        assert not verify_password("eleve", stored)
