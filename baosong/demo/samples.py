"""Sample submissions for the demo: real .docx files (python-docx) in real e-mails.

Fictional content in the style of Tengzhou's government-information pieces.
Deterministic for a given seed, so the demo prints the same ledger every time.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from docx import Document

TOPICS = {
    "工作动态": [
        ("{short}“三个聚焦”推动乡村振兴见实效", "聚焦产业发展、人居环境和基层治理，{short}扎实推进乡村振兴各项重点任务。"),
        ("{short}开展安全生产大排查大整治", "{short}组织专门力量，对辖区重点行业领域开展拉网式排查。"),
        ("{short}多措并举稳就业促增收", "{short}举办专场招聘会，搭建企业和求职者对接平台。"),
        ("{short}扎实推进秋冬季大气污染防治", "{short}强化扬尘管控和散煤治理，空气质量持续改善。"),
    ],
    "经验亮点": [
        ("{short}创新“网格+”模式提升基层治理效能", "{short}把网格作为服务群众的最小单元，推动问题就地解决。"),
        ("{short}以“一窗受理”破解群众办事难", "{short}整合服务窗口，实现群众办事“只进一扇门”。"),
    ],
    "调研分析": [
        ("关于{short}民营经济发展情况的调研报告", "通过座谈、走访等方式，对{short}民营经济发展情况进行了调研。"),
        ("{short}农村集体经济发展的调查与思考", "当前{short}农村集体经济总体呈现稳中有进的态势。"),
    ],
    "问题建议": [
        ("关于破解{short}企业融资难问题的建议", "部分中小企业反映融资渠道窄、成本高，建议加大政策支持力度。"),
    ],
    "社情民意": [
        ("群众关注的老旧小区改造问题亟待解决", "近期{short}部分群众反映老旧小区管网老化、停车难等问题。"),
    ],
}

FILLER = (
    "今年以来，{short}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实市委、市政府决策部署，"
    "围绕中心、服务大局，各项工作取得了积极成效。一是强化组织领导，成立工作专班，明确责任分工，"
    "建立周调度、月通报工作机制。二是狠抓工作落实，细化任务清单，逐项明确时间节点，确保各项任务按期完成。"
    "三是注重宣传引导，通过多种渠道广泛宣传政策措施，营造了良好氛围。截至目前，已累计完成投资{money}万元，"
    "惠及群众{people}余人。"
)

AUTHORS = ["王芳", "李强", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "孙悦", "周明", "吴婷"]

QUOTA_SHARE = {"A": (8, 11), "B": (4, 7), "C": (2, 4)}


def docx_bytes(title: str, paragraphs: list[str], closing: str | None) -> bytes:
    doc = Document()
    doc.add_paragraph(title)
    for p in paragraphs:
        doc.add_paragraph(p)
    if closing:
        doc.add_paragraph(closing)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    """A real (tiny, grey) PNG, standing in for a phone photo of a printed page."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([200, 200, 200]) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def mail(*, sender: str, to: str, subject: str, body: str, when: datetime,
         attachments: Sequence[tuple[str, bytes, tuple[str, str]]] = (), authenticated: bool = False) -> bytes:
    """A plain mail; ``authenticated``: the receiving server's Authentication-Results says spf=pass."""
    msg = EmailMessage()
    if authenticated:
        msg["Authentication-Results"] = f"mx.example.com; spf=pass smtp.mailfrom={sender}"
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">") or "example.com")
    msg.set_content(body)
    for filename, data, (maintype, subtype) in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


@dataclass(frozen=True)
class SampleMail:
    raw: bytes
    when: datetime
    note: str   # what the demo expects of it


def month_of_submissions(units, *, mailbox: str, year: int, month: int, tz, seed: int = 2026) -> list[SampleMail]:
    """A month of mail: each unit's pieces (by class), plus the cases the gate must refuse."""
    rng = random.Random(seed)
    out: list[SampleMail] = []
    days = [d for d in range(1, 29) if datetime(year, month, d).weekday() < 5]

    def when() -> datetime:
        return datetime(year, month, rng.choice(days), rng.randint(8, 17), rng.randint(0, 59), tzinfo=tz)

    for unit in units:
        short = unit.short or unit.name
        low, high = QUOTA_SHARE.get(unit.class_, (2, 4))
        categories = list(TOPICS)
        for i in range(rng.randint(low, high)):
            category = categories[i % len(categories)] if i < len(categories) else rng.choice(categories)
            title_t, lead_t = rng.choice(TOPICS[category])
            title = title_t.format(short=short)
            author = rng.choice(AUTHORS)
            body = [lead_t.format(short=short),
                    FILLER.format(short=short, money=rng.randint(100, 9000), people=rng.randint(100, 20000))]
            data = docx_bytes(title, body, f"（{unit.name} {author}）")
            t = when()
            out.append(SampleMail(mail(
                sender=f"{short}信息员 <{unit.addresses[0]}>", to=mailbox, subject=f"【{category}】{title}",
                body="信息科：\n\n报送政务信息一篇，请审阅。\n", when=t,
                attachments=[(f"{title}.docx", data, DOCX_TYPE)]), t, "受理"))
    t = when()
    out.append(SampleMail(mail(
        sender="某单位 <someone-private@example.com>", to=mailbox, subject="【工作动态】我单位近期工作情况",
        body="您好，发一篇信息。", when=t,
        attachments=[("近期工作情况.docx", docx_bytes("我单位近期工作情况", ["内容略。"], None), DOCX_TYPE)]),
        t, "退回：未登记邮箱"))
    t = when()
    first = units[0]
    out.append(SampleMail(mail(
        sender=f"{first.short or first.name}信息员 <{first.addresses[0]}>", to=mailbox,
        subject="【工作动态】纸质稿件拍照", body="纸质稿拍了照片发过来。", when=t,
        attachments=[("IMG_20261012_093011.png", png_bytes(), ("image", "png"))]), t, "退回：纸质文档照片"))
    t = when()
    out.append(SampleMail(mail(
        sender=f"自动回复 <{first.addresses[0]}>", to=mailbox, subject="自动回复：我正在休假", body="我正在休假。",
        when=t), t, "忽略：自动回复"))
    return sorted(out, key=lambda m: m.when)
