"""The language-model generator against a local fake OpenAI-compatible endpoint over real HTTP."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from stockgate.adapters.llm import LLMGenerator, make_generator
from stockgate.domain.copy.generator import TemplateGenerator, to_draft
from stockgate.domain.copy.suite import check_drafts, suite_parameters
from stockgate.settings import Settings
from tests.copy_fake_llm import FakeLLM, Reply, serve_fake_llm
from tests.copy_fixtures import GOOD_TEXT, brand, candidate

KEY = "sk-test-not-a-real-key-123"


@pytest.fixture()
def fake() -> Iterator[FakeLLM]:
    """A fake endpoint that answers with a good product-page text unless a test scripts otherwise."""
    with serve_fake_llm() as server:
        server.default = Reply(content=json.dumps({"text": GOOD_TEXT}))
        yield server


def _gen(fake: FakeLLM, **kwargs: float) -> LLMGenerator:
    options = {"timeout_s": 2.0, "retries": 2, "backoff_s": 0.01} | kwargs
    return LLMGenerator(
        base_url=fake.base_url, model="fake-model", api_key=SecretStr(KEY),
        timeout_s=options["timeout_s"], retries=int(options["retries"]), backoff_s=options["backoff_s"],
    )  # fmt: skip


def test_copy_comes_from_the_endpoint_with_facts_and_brand_rules_in_the_prompt(fake: FakeLLM) -> None:
    """A 200 reply becomes the draft; the request carries the model, the key and a prompt with facts and rules."""
    written = _gen(fake).generate(candidate(), "product_page", brand())
    assert written.text == GOOD_TEXT and written.generator == "llm:fake-model"
    (request,) = fake.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == f"Bearer {KEY}"
    assert request["json"]["model"] == "fake-model"
    prompt = "\n".join(m["content"] for m in request["json"]["messages"])
    for expected in ("Oat Milk 1 l", "€1.99", "€2.49", "Offer ends 4 December 2026", "guaranteed", "Lidl", "80-600"):
        assert expected in prompt


def test_email_reply_in_a_code_fence_is_parsed_into_subject_and_body(fake: FakeLLM) -> None:
    """A JSON email reply wrapped in a markdown code fence gives subject and body."""
    reply = {"subject": "20% off Oat Milk 1 l", "body": "Para one.\n\nPara   two."}
    fake.replies.append(Reply(content="```json\n" + json.dumps(reply) + "\n```"))
    written = _gen(fake).generate(candidate(), "email", brand())
    assert (written.subject, written.body) == ("20% off Oat Milk 1 l", "Para one.\n\nPara two.")


def test_server_error_falls_back_to_templates_after_retries(fake: FakeLLM) -> None:
    """HTTP 500 on every attempt: three requests (two retries), then the template draft, the reason recorded."""
    fake.default = Reply(status=500, raw_body='{"error": "boom"}')
    written = _gen(fake).generate(candidate(), "product_page", brand())
    assert written.generator == "template (fallback: llm answered HTTP 500)"
    assert written.text == TemplateGenerator().generate(candidate(), "product_page", brand()).text
    assert len(fake.requests) == 3


def test_slow_endpoint_times_out_and_falls_back(fake: FakeLLM) -> None:
    """An endpoint slower than the timeout gives a template draft marked 'llm timed out'."""
    fake.default = Reply(content=json.dumps({"text": GOOD_TEXT}), delay_s=1.0)
    written = _gen(fake, timeout_s=0.2, retries=0).generate(candidate(), "social", brand())
    assert written.generator == "template (fallback: llm timed out)"


def test_a_transient_error_is_retried_and_then_succeeds(fake: FakeLLM) -> None:
    """A 503 then a 200: the second attempt's copy is used."""
    fake.replies.append(Reply(status=503, raw_body="{}"))
    written = _gen(fake).generate(candidate(), "product_page", brand())
    assert written.generator == "llm:fake-model" and len(fake.requests) == 2


def test_an_auth_error_is_not_retried(fake: FakeLLM) -> None:
    """HTTP 401 is final: one request, then the templates."""
    fake.default = Reply(status=401, raw_body='{"error": "bad key"}')
    written = _gen(fake).generate(candidate(), "product_page", brand())
    assert written.generator == "template (fallback: llm answered HTTP 401)" and len(fake.requests) == 1


def test_unusable_reply_falls_back(fake: FakeLLM) -> None:
    """An email reply without subject and body is not used; the templates write it."""
    fake.default = Reply(content="Sure! Here is an email about oat milk.")
    written = _gen(fake).generate(candidate(), "email", brand())
    assert written.generator == "template (fallback: llm reply lacks an email subject and body)"


def test_unreachable_endpoint_falls_back() -> None:
    """Nothing listening on the port: the templates write the draft, marked 'llm unreachable'."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gen = LLMGenerator(base_url=f"http://127.0.0.1:{port}/v1", model="m", retries=1, backoff_s=0.01)
    assert gen.generate(candidate(), "social", brand()).generator.startswith("template (fallback: llm unreachable")


def test_the_key_is_never_logged(fake: FakeLLM, caplog: pytest.LogCaptureFixture) -> None:
    """With every attempt failing and DEBUG logging on, the API key appears in no log record and no draft."""
    fake.default = Reply(status=500, raw_body="{}")
    with caplog.at_level(logging.DEBUG):
        written = _gen(fake).generate(candidate(), "product_page", brand())
    assert caplog.records and KEY not in caplog.text
    assert KEY not in to_draft(candidate(), "product_page", written).model_dump_json()


def test_model_output_is_checked_like_any_draft(fake: FakeLLM) -> None:
    """Copy from the model with a banned word and a wrong price is blocked by the same checks."""
    fake.default = Reply(content=json.dumps({"text": GOOD_TEXT.replace("€1.99", "€0.99") + " Guaranteed!"}))
    written = _gen(fake).generate(candidate(), "product_page", brand())
    checked = check_drafts([to_draft(candidate(), "product_page", written)], params=suite_parameters(brand=brand()))
    failed = {c.name for c in checked[0].checks if not c.passed}
    assert checked[0].status == "blocked" and {"banned_terms", "prices"} <= failed


def test_settings_choose_the_generator() -> None:
    """Without llm_base_url the templates are used; with it, the language model with the configured model."""
    assert isinstance(make_generator(Settings.model_validate({"llm_base_url": None})), TemplateGenerator)
    chosen = make_generator(Settings.model_validate({"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "llama-3"}))
    assert isinstance(chosen, LLMGenerator) and chosen.name == "llm:llama-3"
