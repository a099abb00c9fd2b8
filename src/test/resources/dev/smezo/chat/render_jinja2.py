"""Renders a chat template as Hugging Face transformers does (the reference for smezo's tests).

stdin: {"template": str, "messages": [...], "add_generation_prompt": bool, "variables": {...}}
stdout: {"text": str} or {"error": str}

Like transformers' chat_template_utils._compile_jinja_template: an ImmutableSandboxedEnvironment with
trim_blocks and lstrip_blocks, the loopcontrols extension, a raise_exception global, strftime_now, and a
tojson filter that keeps non-ASCII (ensure_ascii=False).
"""
import json
import sys
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


class TemplateError(Exception):
    pass


def raise_exception(message):
    raise TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def main():
    req = json.load(sys.stdin)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    try:
        text = env.from_string(req["template"]).render(
            messages=req["messages"], add_generation_prompt=req["add_generation_prompt"], **req.get("variables", {}))
        out = {"text": text}
    except (TemplateError, jinja2.TemplateError) as e:
        out = {"error": str(e)}
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
