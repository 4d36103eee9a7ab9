"""What the citizen is told when an outcome they wait for happens (受理告知, 答复, 办结通知).

One message per (reference, outcome): the `message_id` is that pair, so a redelivered
event maps to the same message and is sent once. Texts carry the case's reference, never
an ID number or a name (the message service addresses the citizen from the reference).
"""

from __future__ import annotations

from onetrip.events import (
    CitizenMessage,
    IdentityChangeCompleted,
    PetitionClosed,
    PetitionProgressed,
)

_IDENTITY_TEXTS = {
    "completed": "您的身份信息变更已办结，相关部门的信息已同步更新。业务编号：{ref}。",
    "completed_with_failures": "您的身份信息变更已生效；部分部门的信息同步未完成，"
    "工作人员将继续处理，您无需再跑一次。业务编号：{ref}。",
}
# 信访工作条例 (2022): the petitioner is told in writing whether the petition is accepted
# (within 15 days), that the deadline was extended and why, and gets the handling unit's
# written reply, with a request to evaluate it (the performance review records the
# satisfaction); the case's end closes the series.
_PETITION_TEXTS = {
    "accepted": "您的信访事项已受理，将自受理之日起60日内办结并书面答复。信访件编号：{ref}。",
    "extended": "您的信访事项办理期限已延长，可登录查看延期理由。信访件编号：{ref}。",
    "replied": "您的信访事项已有答复意见，请登录查看，并对办理结果作出满意度评价。"
    "信访件编号：{ref}。",
    "closed": "您的信访事项已办结，可登录查看答复意见。信访件编号：{ref}。",
    "not_accepted": "您的信访事项经审查不予受理，可登录查看理由。信访件编号：{ref}。",
}


def for_identity_change(event: IdentityChangeCompleted) -> CitizenMessage:
    return CitizenMessage(
        message_id=f"{event.application_id}:{event.status}",
        topic="identity_change",
        outcome=event.status,
        reference=event.application_id,
        person_id=event.person_id,
        text=_IDENTITY_TEXTS[event.status].format(ref=event.application_id),
    )


def for_petition(event: PetitionClosed | PetitionProgressed) -> CitizenMessage:
    outcome = event.status if isinstance(event, PetitionClosed) else event.milestone
    return CitizenMessage(
        message_id=f"{event.petition_id}:{outcome}",
        topic="petition",
        outcome=outcome,
        reference=event.petition_id,
        text=_PETITION_TEXTS[outcome].format(ref=event.petition_id),
    )
