"""A discussion message as HTML: what was typed, escaped, with links, *emphasis*, **bold** and
@mentions made visible. Nothing else a person types can become markup."""

import html
import re

import nh3
from django.utils.safestring import SafeString, mark_safe

URL = re.compile(r"https?://[^\s<>\"']+")
# A link ends before the punctuation that ends its sentence.
URL_TRAILING = ".,;:!?)»”’"
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
# @NDWM, @CWM-I, or a person as @"Asha Devi".
MENTION = re.compile(r'(?<![\w@])@(?:"([^"\n]{1,100})"|([A-Za-z0-9][\w-]{0,29}))')


def mentions(text: str) -> tuple[set[str], set[str]]:
    """The organisation acronyms and the people's names a message mentions, as typed."""
    acronyms, names = set(), set()
    for name, acronym in MENTION.findall(text):
        (names if name else acronyms).add(name or acronym.rstrip("-"))
    return acronyms, names


def _link(match: re.Match) -> str:
    url = match.group(0)
    tail = ""
    while url and url[-1] in URL_TRAILING:
        url, tail = url[:-1], url[-1] + tail
    return f'<a href="{url}">{url}</a>{tail}'


def message_html(text: str) -> SafeString:
    # Mentions are set aside before escaping, which would change the quotes around a name.
    found: list[str] = []

    def aside(match: re.Match) -> str:
        found.append(match.group(0))
        return f"\x00{len(found) - 1}\x00"

    escaped = html.escape(MENTION.sub(aside, text.replace("\x00", "")), quote=True)
    escaped = URL.sub(_link, escaped)
    escaped = STRONG.sub(r"<strong>\1</strong>", escaped)
    escaped = EMPHASIS.sub(r"<em>\1</em>", escaped)
    escaped = re.sub(
        "\x00(\\d+)\x00", lambda m: f'<span class="mention">{html.escape(found[int(m.group(1))])}</span>', escaped
    )
    escaped = escaped.replace("\n", "<br>")
    cleaned = nh3.clean(
        escaped, tags={"a", "strong", "em", "br", "span"}, attributes={"a": {"href"}, "span": {"class"}},
        url_schemes={"http", "https"}, link_rel="noopener nofollow ugc",
    )
    return mark_safe(cleaned)
