import { useEffect, useRef, useState } from "preact/hooks";
import { get, type AggregateResult } from "./api";

/** Keyword fields with values the store can list (aggregation group_by). */
const LISTABLE = new Set(["service.name", "severity_text", "name", "kind", "status.code"]);

interface Fields {
  fields: { name: string; type: string }[];
}

/** The word being typed at {@code caret}: its start, and the text from there to the caret. */
function wordAt(text: string, caret: number): { start: number; word: string } {
  let start = caret;
  while (start > 0 && !/[\s()]/.test(text[start - 1])) start--;
  return { start, word: text.slice(start, caret) };
}

/**
 * The query bar's input, completing field names from {@code /api/v1/fields} and, after {@code
 * field:}, the field's most frequent values in the time range. Arrow keys choose, Enter or Tab
 * takes, Escape closes.
 */
export function QueryInput(props: {
  value: string;
  onInput: (value: string) => void;
  range: { start: string; end: string };
}) {
  const input = useRef<HTMLInputElement>(null);
  const [fields, setFields] = useState<string[]>([]);
  const [options, setOptions] = useState<string[]>([]);
  const [chosen, setChosen] = useState(0);
  const [word, setWord] = useState({ start: 0, word: "" });

  useEffect(() => {
    get<Fields>("/api/v1/fields", { signal: "logs" })
      .then((answer) => setFields(answer.fields.map((f) => f.name)))
      .catch(() => setFields([]));
  }, []);

  const suggest = async (text: string, caret: number) => {
    const at = wordAt(text, caret);
    setWord(at);
    const colon = at.word.indexOf(":");
    if (colon < 0) {
      const prefix = at.word.toLowerCase();
      setOptions(prefix ? fields.filter((f) => f.startsWith(prefix) && f !== prefix).slice(0, 10) : []);
      setChosen(0);
      return;
    }
    const field = at.word.slice(0, colon);
    const typed = at.word.slice(colon + 1).replace(/^"/, "");
    if (!LISTABLE.has(field)) {
      setOptions([]);
      return;
    }
    try {
      const top = await get<AggregateResult>("/api/v1/logs/aggregate", {
        ...props.range,
        group_by: field,
        metrics: "count",
        size: "20",
      });
      const values = top.buckets.map((b) => b.key[field]).filter((v) => v && v.startsWith(typed));
      setOptions(values.map((v) => `${field}:${/[\s:()"]/.test(v) ? JSON.stringify(v) : v}`));
      setChosen(0);
    } catch {
      setOptions([]);
    }
  };

  const take = (option: string) => {
    const caret = input.current?.selectionStart ?? props.value.length;
    const completed = option.includes(":") ? option : `${option}:`;
    const next = props.value.slice(0, word.start) + completed + props.value.slice(caret);
    props.onInput(next);
    setOptions([]);
    const end = word.start + completed.length;
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(end, end);
      if (!option.includes(":")) void suggest(next, end);
    });
  };

  return (
    <div class="query-input">
      <input
        ref={input}
        name="q"
        aria-label="Query"
        role="combobox"
        aria-expanded={options.length > 0}
        aria-controls="query-suggestions"
        autocomplete="off"
        placeholder='e.g. body:"connection reset" AND severity_number:>=17'
        value={props.value}
        onInput={(e) => {
          props.onInput(e.currentTarget.value);
          void suggest(e.currentTarget.value, e.currentTarget.selectionStart ?? e.currentTarget.value.length);
        }}
        onBlur={() => setTimeout(() => setOptions([]), 150)}
        onKeyDown={(e) => {
          if (options.length === 0) return;
          if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            setChosen((chosen + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length);
          } else if (e.key === "Enter" || e.key === "Tab") {
            e.preventDefault();
            take(options[chosen]);
          } else if (e.key === "Escape") {
            setOptions([]);
          }
        }}
      />
      {options.length > 0 && (
        <ul id="query-suggestions" role="listbox" class="suggestions">
          {options.map((option, i) => (
            <li
              role="option"
              aria-selected={i === chosen}
              onMouseDown={(e) => {
                e.preventDefault();
                take(option);
              }}
            >
              {option}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
