"""What `forget` takes out of a text or a JSON document, and what it leaves."""

import pytest

from bot.domain.redaction import FORGOTTEN, Redaction

VK_ID = 5_550_001
HER = Redaction.of_person(VK_ID, "Патимат", "Алиева")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"• Школа № 1 — [id{VK_ID}|Патимат Алиева]", f"• Школа № 1 — {FORGOTTEN}"),
        (f"[id{VK_ID}|Глава бывшая]", FORGOTTEN),  # a mention under an older name
        ("Патимат Алиева (не доставлено)", f"{FORGOTTEN} (не доставлено)"),
        ("Алиева Патимат в отпуске", f"{FORGOTTEN} в отпуске"),
        (f"vk.com/id{VK_ID}, @id{VK_ID}", f"vk.com/{FORGOTTEN}, @{FORGOTTEN}"),
        (f"r1:reminder:s3:{VK_ID}:10", f"r1:reminder:s3:{FORGOTTEN}:10"),
        (str(VK_ID), FORGOTTEN),
    ],
)
def test_her_id_and_name_are_taken_out(text: str, expected: str) -> None:
    assert HER.text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "[id5550002|Патимат Алиева]",  # a namesake's mention is hers to keep
        f"{VK_ID}9 and 9{VK_ID} and random_id x{VK_ID}y",  # other numbers, a hash
        "Патимат Алиевна, Патимат, Алиева",  # another name, the parts alone
        "Патимат Алиеваева",
    ],
)
def test_others_are_left_alone(text: str) -> None:
    assert HER.text(text) == text


def test_json_is_walked_whatever_its_shape() -> None:
    document = {
        "texts": [f"[id{VK_ID}|Патимат Алиева], ответьте", "ещё"],
        "vk_id": VK_ID,
        "peer_ids": [VK_ID, 7],
        "students_total": VK_ID,  # a number elsewhere is not a VK id
        "nested": {"from_id": VK_ID, "note": f"от id{VK_ID}"},
        f"by:{VK_ID}": True,
        "v": 2,
    }
    assert HER.value(document) == {
        "texts": [f"{FORGOTTEN}, ответьте", "ещё"],
        "vk_id": None,
        "peer_ids": [7],
        "students_total": VK_ID,
        "nested": {"from_id": None, "note": f"от {FORGOTTEN}"},
        f"by:{FORGOTTEN}": True,
        "v": 2,
    }
    assert HER.value(HER.value(document)) == HER.value(document)


def test_without_a_full_name_only_the_id_goes() -> None:
    anna = Redaction.of_person(VK_ID, "Анна", None)
    assert anna.text(f"Анна, [id{VK_ID}|Анна]") == f"Анна, {FORGOTTEN}"
    assert anna.needles() == [str(VK_ID)]


def test_contacts_without_a_vk_id_and_the_longest_name_first() -> None:
    contact = Redaction(None, ["Алиева Патимат", "Алиева Патимат Расуловна", "+7 928 731-95-50"])
    text = "• Школа — Алиева Патимат Расуловна, +7 928 731-95-50; [id5|Алиева] id5 5"
    assert contact.text(text) == f"• Школа — {FORGOTTEN}, {FORGOTTEN}; [id5|Алиева] id5 5"
    assert contact.needles() == ["Алиева Патимат", "Алиева Патимат Расуловна", "+7 928 731-95-50"]
    assert contact.value({"user_id": 5, "texts": ["+7 928 731-95-50"]}) == {
        "user_id": 5,
        "texts": [FORGOTTEN],
    }
