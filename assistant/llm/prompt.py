"""The prompt: a Vietnamese system message, then the numbered passages, the question and its form."""

from __future__ import annotations

from langchain_core.messages import HumanMessage, SystemMessage

from assistant.answer import AnswerForm, Source
from assistant.understand import Question

__all__ = ["SYSTEM_PROMPT", "build_messages", "source_heading"]

SYSTEM_PROMPT = (
    "Bạn là thư ký pháp lý của Tòa án Việt Nam. Chỉ trả lời dựa trên các đoạn văn bản pháp luật được cung cấp, "
    "không dùng hiểu biết bên ngoài, không suy đoán. Mỗi ý của câu trả lời phải có trích dẫn: chép NGUYÊN VĂN "
    "(đúng từng chữ, không sửa, không tóm tắt) một câu hoặc một đoạn ngắn từ đoạn văn bản được dẫn, kèm số thứ tự "
    "của đoạn đó. Nếu các đoạn văn bản không chứa câu trả lời, hãy nói \"Không tìm thấy quy định phù hợp trong các "
    "văn bản đã truy xuất\" và để danh sách citations rỗng. Chỉ trả về một đối tượng JSON, không viết gì thêm."
)

_FORM_RULES = {
    AnswerForm.TRUE_FALSE: "Đây là câu hỏi Đúng/Sai: hãy cho biết nhận định trên đúng hay sai theo các đoạn văn bản. "
                           "\"value\" phải là \"Đúng\" hoặc \"Sai\".",
    AnswerForm.MULTIPLE_CHOICE: "Đây là câu hỏi trắc nghiệm: chọn một phương án. \"value\" là chữ cái của phương án "
                                "được chọn.",
    AnswerForm.SHORT_ANSWER: "\"value\" là câu trả lời ngắn gọn (một con số, thời hạn, cơ quan, chủ thể…), lấy từ "
                             "đoạn văn bản.",
    AnswerForm.OPEN: "\"value\" là một câu tóm tắt ngắn gọn câu trả lời.",
}

_CITATIONS_FMT = ('"citations": [{"source": <số thứ tự đoạn>, "clause": "<số khoản, hoặc \\"\\">", '
                  '"point": "<chữ cái của điểm, hoặc \\"\\">", "quote": "<câu chép nguyên văn từ đoạn đó>"}]')
_ANSWER_FMT = '"answer": "<câu trả lời bằng tiếng Việt, nêu rõ điểm, khoản, Điều và văn bản>", "value": "<giá trị>"'
_FORMAT = f"Trả lời bằng đúng một đối tượng JSON dạng:\n{{{_CITATIONS_FMT}, {_ANSWER_FMT}}}"
_FORMAT_ANSWER_FIRST = f"Trả lời bằng đúng một đối tượng JSON dạng:\n{{{_ANSWER_FMT}, {_CITATIONS_FMT}}}"


def source_heading(n: int, s: Source) -> str:
    title = s.document_title or s.document_id
    head = f"[{n}] Điều {s.article} {title}".strip()
    if s.title:
        head += f" — {s.title}"
    return head


def _clip(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    nl = cut.rfind("\n")
    if nl > limit // 2:
        cut = cut[:nl]
    return cut.rstrip() + " […]"


def build_messages(question: Question, sources: list[Source], max_source_chars: int = 1500,
                   answer_first: bool = False) -> list:
    """The chat messages: the Vietnamese system prompt, then the numbered passages, the question and its form."""
    passages = "\n\n".join(f"{source_heading(i, s)}:\n{_clip(s.text or '', max_source_chars)}"
                           for i, s in enumerate(sources, 1))
    parts = [f"Các đoạn văn bản pháp luật:\n\n{passages}", ""]
    if question.form == AnswerForm.TRUE_FALSE:
        parts.append(f"Nhận định: {question.text}")
    else:
        parts.append(f"Câu hỏi: {question.text}")
    if question.choices:
        parts.extend(f"{k}. {v}" for k, v in sorted(question.choices.items()))
        if question.negative:
            parts.append("Lưu ý: câu hỏi hỏi phương án KHÔNG đúng (hoặc ngoại trừ).")
    parts.extend(["", _FORM_RULES.get(question.form, _FORM_RULES[AnswerForm.OPEN]),
                  _FORMAT_ANSWER_FIRST if answer_first else _FORMAT])
    return [SystemMessage(content=SYSTEM_PROMPT), HumanMessage(content="\n".join(parts))]
