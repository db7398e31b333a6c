"""An Ollama ``Modelfile`` whose TEMPLATE is cut out of the model's own chat template, not typed by hand.

Modelfiles written by hand are the usual cause of a fine-tuned model answering badly in Ollama (wrong turn markers,
a missing default system prompt). Here the tokenizer's chat template renders one conversation made of sentinel
strings; the text around the sentinels *is* each turn's prefix and suffix, so the Go template reproduces the
tokenizer's prompt exactly (``render`` is the check the tests use). One limitation: the template covers a system
message plus one user turn; Ollama repeats it per turn for longer chats.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from smt_gui.llm.base import REPETITION_PENALTY

SYSTEM, USER, ASSISTANT = "\x01SMT-SYSTEM\x01", "\x01SMT-USER\x01", "\x01SMT-ASSISTANT\x01"


@dataclass
class ChatPieces:
    """The literal text around each part of a one-turn conversation, as the model's chat template renders it."""

    system_prefix: str   # before the system message
    system_to_user: str  # between the system message and the user message
    no_system: str       # before the user message when no system message is given (may hold a default system)
    user_to_answer: str  # after the user message: the end of the user turn and the generation prompt
    answer_suffix: str   # after the assistant's answer
    stops: list[str]


def chat_pieces(tokenizer) -> ChatPieces:
    """Render sentinel conversations with ``tokenizer.apply_chat_template`` and cut them apart."""
    def render(messages: list[dict], prompt: bool) -> str:
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=prompt)

    system, user, answer = ({"role": r, "content": c} for r, c in
                            (("system", SYSTEM), ("user", USER), ("assistant", ASSISTANT)))
    with_system = render([system, user], True)
    without = render([user], True)
    full = render([system, user, answer], False)
    if not (with_system.count(SYSTEM) == 1 and with_system.count(USER) == 1 and full.startswith(with_system)):
        raise ValueError("This model's chat template cannot be expressed as an Ollama template (it rewrites messages "
                         "or renders a finished answer differently from a prompt); write the Modelfile by hand.")
    head, rest = with_system.split(SYSTEM)
    middle, after_user = rest.split(USER)
    suffix = full[len(with_system):].split(ASSISTANT, 1)[1]
    stops = [s for s in dict.fromkeys([suffix.strip(), tokenizer.eos_token or ""]) if s]
    return ChatPieces(system_prefix=head, system_to_user=middle, no_system=without.split(USER)[0],
                      user_to_answer=after_user, answer_suffix=suffix, stops=stops)


def go_template(pieces: ChatPieces) -> str:
    """Ollama's (Go text/template) TEMPLATE for one system + user turn and the answer."""
    return (f"{{{{ if .System }}}}{pieces.system_prefix}{{{{ .System }}}}{pieces.system_to_user}"
            f"{{{{ else }}}}{pieces.no_system}{{{{ end }}}}{{{{ .Prompt }}}}{pieces.user_to_answer}"
            f"{{{{ .Response }}}}{pieces.answer_suffix}")


def render(template: str, system: str, prompt: str, response: str = "") -> str:
    """What Ollama makes of ``template`` for these values (the subset ``go_template`` writes: one if/else, three
    fields). ``response`` empty is the prompt the model continues."""
    head, rest = template.split("{{ if .System }}", 1)
    with_system, rest = rest.split("{{ else }}", 1)
    without, tail = rest.split("{{ end }}", 1)
    text = head + (with_system if system else without) + tail
    text = text.replace("{{ .System }}", system).replace("{{ .Prompt }}", prompt)
    if not response:
        return text.split("{{ .Response }}", 1)[0]
    return text.replace("{{ .Response }}", response)


def modelfile_text(model_from: Path | str, tokenizer, adapter: Path | str | None = None,
                   system: str | None = None) -> str:
    """``FROM`` the GGUF (plus ``ADAPTER`` for a LoRA GGUF), the template, its stop strings, and the app's
    decoding defaults (greedy with the chat tab's repetition penalty) so Ollama answers like the Chat tab."""
    pieces = chat_pieces(tokenizer)
    template = go_template(pieces)
    if '"""' in template:
        raise ValueError("The chat template contains triple quotes, which a Modelfile cannot hold.")
    lines = [f"FROM {model_from}"]
    if adapter is not None:
        lines.append(f"ADAPTER {adapter}")
    lines.append(f'TEMPLATE """{template}"""')
    if system:
        lines.append(f'SYSTEM """{system}"""')
    lines += [f'PARAMETER stop "{s}"' for s in pieces.stops]
    lines += ["PARAMETER temperature 0", f"PARAMETER repeat_penalty {REPETITION_PENALTY}"]
    return "\n".join(lines) + "\n"


def write_modelfile(folder: Path, model_from: Path, tokenizer, adapter: Path | None = None,
                    name: str = "smt-tuned") -> tuple[Path, str]:
    """Write ``Modelfile`` into ``folder`` (paths relative to it when inside it); returns it and the
    ``ollama create`` command to run there."""
    def rel(path: Path) -> str:  # "./name": Ollama reads a bare name as a model in its library, not a file
        return f"./{path.relative_to(folder).as_posix()}" if path.is_relative_to(folder) else str(path)

    path = folder / "Modelfile"
    path.write_text(modelfile_text(rel(model_from), tokenizer, rel(adapter) if adapter else None))
    return path, f"cd {shlex.quote(str(folder))} && ollama create {shlex.quote(name)} -f Modelfile"
