// Server-sent events read from a fetch() response.

/** Server-sent events from a fetch() response (EventSource cannot POST). Yields {event, data}. */
export async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let carriageReturn = false;
  const parse = (block) => {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      let value = i < 0 ? "" : line.slice(i + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    return data.length ? {event, data: data.join("\n")} : null;
  };
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    let chunk = (carriageReturn ? "\r" : "") + value;
    carriageReturn = chunk.endsWith("\r"); // a CRLF may be split across chunks
    if (carriageReturn) chunk = chunk.slice(0, -1);
    buffer += chunk.replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const ev = parse(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (ev) yield ev;
    }
  }
  const last = parse(buffer + (carriageReturn ? "\n" : ""));
  if (last) yield last;
}
