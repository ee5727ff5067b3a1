from typing import Any

def node_scores(
    cp: Any,
    mark: Any,
    parent: Any,
    cp_table: Any,
    uni_q: Any,
    uni_b: Any,
    tables: list[tuple[Any, Any, Any]],
    q: Any,
    longest: Any,
) -> None: ...
def match_lookup(
    cp: Any,
    mark: Any,
    parent: Any,
    digits: Any,
    foreign: int,
    at: Any,
    min_context: int,
    powers: Any,
    contexts: list[tuple[Any, Any]],
    window_keys: Any,
    window_counts: Any,
    best: Any,
    ctx: Any,
    full: Any,
) -> None: ...
def word_logprob_many(
    model: Any,
    state_type: Any,
    start: Any,
    prefix: str,
    middles: list[str],
    suffix: str,
    eos: bool,
    max_word: int,
    beam: int,
) -> list[float]: ...
