"""The single process's channel layer: every receiver gets a message of its own, as with Channels' layers."""

from __future__ import annotations

from asgiref.sync import async_to_sync

from chat.layers import ProcessChannelLayer, copy_message


def test_each_receiver_of_a_group_message_gets_its_own_copy():
    layer = ProcessChannelLayer()
    sent = {"type": "chat.message", "message": {"id": 7, "sender": {"name": "Анна"}, "tags": ["a"], "at": (1, [2])}}

    async def scenario():
        first, second = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("conversation", first)
        await layer.group_add("conversation", second)
        await layer.group_send("conversation", sent)
        mine = await layer.receive(first)
        mine["message"]["sender"]["name"] = "changed"
        mine["message"]["tags"].append("b")
        mine["message"]["at"][1].append(3)
        return mine, await layer.receive(second)

    mine, theirs = async_to_sync(scenario)()
    expected = {"type": "chat.message", "message": {"id": 7, "sender": {"name": "Анна"}, "tags": ["a"], "at": (1, [2])}}
    assert theirs == expected
    assert sent == expected
    assert mine["message"]["sender"]["name"] == "changed"


def test_values_that_are_not_json_like_are_deep_copied():
    original = {"ids": {1, 2}}
    copied = copy_message(original)
    copied["ids"].add(3)
    assert original == {"ids": {1, 2}}
