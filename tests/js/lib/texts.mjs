// Message texts that a careless server would mangle: every one must come back byte for byte.

/** Roughly 10 kB of varied text (ASCII, two-byte, three-byte and four-byte UTF-8). */
function longText() {
    const pattern = 'The quick brown fox 0123456789 – żółw 亀 🐢 ';
    let text = '';
    while (text.length < 10240) {
        text += pattern;
    }
    return text.slice(0, 10240);
}

/** `[label, text]` pairs of printable text; control characters in messages are covered by `chatserver/src/rules.rs`. */
export const trickyTexts = [
    ['plain ASCII', 'hello, world'],
    ['emoji with skin tone, flag and ZWJ family', 'hi 👋🏽 🇩🇪 👨‍👩‍👧‍👦 🐢'],
    ['CJK', '你好，世界 こんにちは 안녕하세요'],
    ['combining characters (not normalised)', 'e\u0301 a\u0308 n\u0303 Z\u0351\u0334'],
    ['right-to-left', 'שלום עולם مرحبا'],
    ['quotes and backslashes', 'She said "hi" and \'bye\' \\ \\\\ \\" \\u0041 /* */ `tick`'],
    ['JSON-looking text', '{"type":6,"id":1,"args":["x"]}'],
    ['bold HTML', '<b>x</b>'],
    ['script-bearing HTML', '<img src=x onerror=alert(1)>'],
    ['entities', '&amp; &lt; &#x41; %20 %s %d {0}'],
    ['surrounding spaces', '  padded  '],
    ['a single character', '.'],
    ['10 kB of text', longText()],
];
