// Chat templates rendered by llama.cpp's own code (common/chat.cpp and its Jinja engine common/jinja),
// so that smezo trains on the very text llama-server sends to the model. C API for FFM; no C++
// exception ever leaves this file (one escaping into the JVM's frame would abort the process).
//
// Which path renders (line numbers of the pinned tree, llama.cpp de3ff815):
// llama-server builds its request inputs in tools/server/server-common.cpp:1288-1359 and calls
// common_chat_templates_apply (common/chat.cpp:1434), whose Jinja route
// common_chat_templates_apply_jinja (chat.cpp:1225) first applies the workarounds (chat.cpp:1232-1296:
// StepFun content trim, developer -> system, a system message merged into the next one where the
// template has no system role, tool-call fixes), then either
//   (a) a hand-written handler for a known family (common_chat_try_specialized_template, chat.cpp:1090:
//       gpt-oss, Ministral 3, Gemma 4, Kimi, LFM2, DeepSeek V3.2/V4, Qwen3-Coder, ...), or
//   (b) the differential autoparser (chat.cpp:1330), which analyzes the template and builds an output
//       parser; its prompt is plain common_chat_template_direct_apply (chat-auto-parser-generator.cpp:36),
//       but the analysis runs dozens of renders on every call and throws "Unable to generate parser for
//       this template" (chat.cpp:1364) for templates it cannot analyze.
// A renderer needs only the prompt, so for (b) we set force_pure_content (chat.cpp:1315-1329): the same
// workarounds, then the same common_chat_template_direct_apply_impl (chat.cpp:905) on the same
// messages, without the analysis; its reasoning_format = NONE is not read by direct_apply. For (a) the
// handlers change the prompt themselves (gpt-oss turns the last <|return|> into <|end|> when there is
// no generation prompt, parsers/gpt-oss.cpp:21-30; Ministral 3 makes system and assistant contents
// typed blocks, parsers/ministral3.cpp:8-45), so for those templates we take the server's own route
// (force_pure_content off: the handler returns before the autoparser). Which of the two a template
// takes is decided once, at open, by calling common_chat_try_specialized_template on it. So, for
// messages of role and string content, the prompt is the server's for every template the server
// accepts, and templates the autoparser rejects (the server would refuse them at startup,
// server-context.cpp:1463-1471) still render, as direct_apply renders them (enable_thinking off, the
// server's value for a template it finds no thinking in).
//
// The other server defaults copied here: enable_thinking is on when common says the template supports
// thinking (server-context.cpp:1463-1464, --reasoning auto), chat_template_kwargs hold
// preserve_reasoning=true (common/arg.cpp:958-961) plus the caller's, and a kwarg enable_thinking
// overrides it (server-common.cpp:1336-1344); reasoning_format deepseek (common/common.h:649).
// common also sets the Jinja globals datetime and date_string to today (chat.cpp:1080): a template that
// prints date_string (Llama 3.1) renders today's date, as the server does, unless a kwarg pins it.
// What this renderer does not do like the server: a conversation that ends with an assistant message
// is rendered as a finished turn, where the server prefills it (continue_final_message,
// server-common.cpp:1300-1308); tools, reasoning_content and typed content parts are not offered.
//
// BOS: direct_apply drops a leading bos_token text when the vocabulary adds BOS itself (chat.cpp:959),
// and a trailing eos_token text when it adds EOS; the server then tokenizes the prompt with
// add_special = true, parse_special = true (server-context.cpp:4299). So a caller gets the server's
// token ids by tokenizing the rendered text with llama_tokenize(add_special = true, parse_special = true).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "chat-auto-parser.h"
#include "chat.h"
#include "common.h"
#include "llama-chat.h"   // libllama's built-in detection (src/, exported by libllama.so)
#include "llama.h"
#include "log.h"

namespace {

struct chat {
    common_chat_templates_ptr          tmpls;
    bool                               use_jinja   = true;
    bool                               specialized = false;  // routed to a hand-written handler, see (a) above
    bool                               thinking    = false;
    std::map<std::string, std::string> kwargs;               // name -> JSON text, as the server keeps them
    std::string                        parser_error;         // why llama-server would refuse this template
};

thread_local std::string last_error;

int32_t fail(const std::string & why) {
    last_error = why;
    return -1;
}

// A malloc'd copy of s for the caller (smezo_chat_free_string); its length, or -1.
int32_t give(const std::string & s, char ** out) {
    if (s.size() > INT32_MAX - 1) return fail("rendered text longer than 2 GiB");
    char * p = static_cast<char *>(std::malloc(s.size() + 1));
    if (p == nullptr) return fail("out of memory");
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    *out = p;
    return static_cast<int32_t>(s.size());
}

// Does common route this template to a hand-written handler (chat.cpp:1310-1312)? The detection looks
// at the source only; the handler then runs once on a probe conversation. A handler that throws on it
// counts as one (the server's own route is then used, which reports the error on a real render).
bool routes_to_handler(const common_chat_templates * tmpls) {
    const std::string src = common_chat_templates_source(tmpls);
    common_chat_template tmpl(src, "", "");
    autoparser::generation_params probe;
    probe.messages = common_json::parse(R"([{"role":"user","content":"Hi"}])");
    try {
        return common_chat_try_specialized_template(tmpl, src, probe).has_value();
    } catch (...) {
        return true;
    }
}

template <typename F> auto guarded(F && f, decltype(f()) on_error) -> decltype(f()) {
    try {
        return f();
    } catch (const std::exception & e) {
        last_error = e.what();
    } catch (...) {
        last_error = "unknown C++ exception";
    }
    return on_error;
}

}  // namespace

extern "C" {

// The reason the last call on this thread failed ("" when none did).
const char * smezo_chat_last_error(void) {
    return last_error.c_str();
}

// Opens the chat template of `model` (a vocab-only load is enough): its tokenizer.chat_template, or
// `template_override` (Jinja text; with use_jinja == 0 a libllama built-in name such as "chatml").
// kwargs_json: NULL or a JSON object of extra Jinja variables, as llama-server's --chat-template-kwargs.
// NULL on error, the reason in smezo_chat_last_error().
void * smezo_chat_open(const struct llama_model * model, const char * template_override, int32_t use_jinja,
                       const char * kwargs_json) {
    return guarded([&]() -> void * {
        std::string over = template_override != nullptr ? template_override : "";
        if (model == nullptr && over.empty()) throw std::invalid_argument("no model and no template");
        // common logs through its own logger (stderr, a worker thread); every failure comes back here
        // as an error instead, and force_pure_content would warn on every render (chat.cpp:1316)
        common_log_set_verbosity_thold(-1);
        auto h = std::make_unique<chat>();
        h->use_jinja = use_jinja != 0;
        if (h->use_jinja) {
            // common_chat_templates_init rethrows a parse error as a bare std::exception (`throw e;` of a
            // const std::exception &, chat.cpp:845), so parse first to keep the lexer's or parser's message
            const char * gguf = over.empty() ? llama_model_chat_template(model, nullptr) : nullptr;
            jinja::parse_from_tokens(jinja::lexer().tokenize(gguf != nullptr ? gguf : over));
        }
        h->tmpls = common_chat_templates_init(model, over);
        if (!h->use_jinja) {
            // the legacy route hands the source (a built-in name, or the GGUF's text) to libllama
            const std::string src = common_chat_templates_source(h->tmpls.get());
            llama_chat_message m = {"user", "Hi"};
            char buf[1];
            if (llama_chat_apply_template(src.c_str(), &m, 1, true, buf, 0) < 0) {
                throw std::invalid_argument("libllama has no built-in chat template for '" + src.substr(0, 64) + "'");
            }
            return h.release();
        }
        h->kwargs["preserve_reasoning"] = "true";
        if (kwargs_json != nullptr) {
            common_json kw = common_json::parse(kwargs_json);
            if (!kw.is_object()) throw std::invalid_argument("chat template kwargs must be a JSON object");
            for (const auto & [k, v] : kw.items()) h->kwargs[k] = v.dump();
        }
        try {
            h->thinking = common_chat_templates_support_enable_thinking(h->tmpls.get());
        } catch (const std::exception & e) {
            h->parser_error = e.what();
        }
        auto it = h->kwargs.find("enable_thinking");
        if (it != h->kwargs.end()) {
            if (it->second != "true" && it->second != "false") {
                throw std::invalid_argument("chat template kwarg enable_thinking must be true or false");
            }
            h->thinking = it->second == "true";
        }
        h->specialized = routes_to_handler(h->tmpls.get());
        return h.release();
    }, nullptr);
}

void smezo_chat_close(void * h) {
    delete static_cast<chat *>(h);
}

// Renders messages (a JSON array of {"role", "content"} objects, OpenAI style) into *out (malloc'd,
// free with smezo_chat_free_string). Returns its length in bytes, or -1 (reason in smezo_chat_last_error,
// e.g. a raise_exception text from the template).
int32_t smezo_chat_render(void * hv, const char * messages_json, int32_t add_generation_prompt, char ** out) {
    *out = nullptr;
    return guarded([&]() -> int32_t {
        const chat * h = static_cast<const chat *>(hv);
        common_chat_templates_inputs in;
        in.messages              = common_chat_msgs_parse_oaicompat(common_json::parse(messages_json));
        in.use_jinja             = h->use_jinja;
        in.add_generation_prompt = add_generation_prompt != 0;
        in.reasoning_format      = COMMON_REASONING_FORMAT_DEEPSEEK;
        in.enable_thinking       = h->thinking;
        in.chat_template_kwargs  = h->kwargs;
        in.force_pure_content    = h->use_jinja && !h->specialized;
        return give(common_chat_templates_apply(h->tmpls.get(), in).prompt, out);
    }, -1);
}

void smezo_chat_free_string(char * s) {
    std::free(s);
}

// The template source common renders (after its own patches, chat.cpp:782-803); NULL on error.
char * smezo_chat_source(void * hv) {
    char * out = nullptr;
    guarded([&]() { return give(common_chat_templates_source(static_cast<const chat *>(hv)->tmpls.get()), &out); }, -1);
    return out;
}

// Why llama-server would refuse this template (its output-parser generation fails), or "".
const char * smezo_chat_parser_error(void * hv) {
    return static_cast<const chat *>(hv)->parser_error.c_str();
}

// 1 when the template is rendered with enable_thinking = true (as llama-server would).
int32_t smezo_chat_thinking(void * hv) {
    return static_cast<const chat *>(hv)->thinking ? 1 : 0;
}

// The built-in libllama's llama_chat_apply_template picks for `tmpl` (a name or Jinja text), or NULL
// when it recognizes none (then llama_chat_apply_template returns -1). A static string.
const char * smezo_chat_builtin_detect(const char * tmpl) {
    return guarded([&]() -> const char * {
        llm_chat_template t = llm_chat_detect_template(tmpl != nullptr ? tmpl : "chatml");
        if (t == LLM_CHAT_TEMPLATE_UNKNOWN) return nullptr;
        static std::vector<const char *> names = [] {
            std::vector<const char *> v(llama_chat_builtin_templates(nullptr, 0));
            llama_chat_builtin_templates(v.data(), v.size());
            return v;
        }();
        for (const char * n : names) {
            if (llm_chat_template_from_str(n) == t) return n;
        }
        return nullptr;
    }, nullptr);
}

// llama_chat_apply_template over parallel role/content arrays (no struct array for FFM to build):
// the rendering into *out (malloc'd), its length, or -1 when libllama knows no such template.
int32_t smezo_chat_apply_builtin(const char * tmpl, const char * const * roles, const char * const * contents,
                                 int32_t n, int32_t add_ass, char ** out) {
    *out = nullptr;
    return guarded([&]() -> int32_t {
        std::vector<llama_chat_message> chat(n);
        for (int32_t i = 0; i < n; i++) chat[i] = {roles[i], contents[i]};
        std::vector<char> buf(1024);
        int32_t len = llama_chat_apply_template(tmpl, chat.data(), chat.size(), add_ass != 0, buf.data(), buf.size());
        if (len > (int32_t) buf.size()) {
            buf.resize(len);
            len = llama_chat_apply_template(tmpl, chat.data(), chat.size(), add_ass != 0, buf.data(), buf.size());
        }
        if (len < 0) return fail("libllama has no built-in chat template for this text");
        return give(std::string(buf.data(), len), out);
    }, -1);
}

}  // extern "C"
