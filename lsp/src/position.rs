//! Byte offsets ↔ LSP positions.
//!
//! The compiler's spans are byte offsets into UTF-8 text; the protocol counts lines from 0 and
//! characters in UTF-16 code units (the only encoding every client supports, and the one we
//! announce). A line ends at `\n`; a `\r` before it belongs to the terminator, not the line.
//! Positions past the end of a line clamp to its end, positions past the last line to the end
//! of the text, and a character in the middle of a surrogate pair to the start of that
//! character, as the protocol asks.

use scn_diagnostics::Span;
use tower_lsp_server::ls_types::{Position, Range};

/// The line starts of one text, for conversions in both directions.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the first byte of every line; `starts[0] == 0`.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text and moved back to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let character = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    /// The range of a byte span.
    pub fn range(&self, span: Span) -> Range {
        Range::new(self.position(span.start), self.position(span.end.max(span.start)))
    }

    /// The byte offset of `pos`, always on a character boundary.
    pub fn offset(&self, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else { return self.text.len() };
        let end = self.starts.get(pos.line as usize + 1).map_or(self.text.len(), |&next| next - 1);
        let line = &self.text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units + c.len_utf16() > pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    /// The byte span of a range.
    pub fn span(&self, range: Range) -> Span {
        let (a, b) = (self.offset(range.start), self.offset(range.end));
        Span::new(a.min(b), a.max(b))
    }

    /// The range covering the whole text.
    pub fn whole(&self) -> Range {
        Range::new(Position::new(0, 0), self.position(self.text.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str) {
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            // Between `\r` and `\n` is inside the terminator: no position names it.
            if offset > 0 && text[..offset].ends_with('\r') && text[offset..].starts_with('\n') {
                continue;
            }
            let pos = index.position(offset);
            assert_eq!(index.offset(pos), offset, "offset {offset} -> {pos:?} in {text:?}");
        }
    }

    #[test]
    fn ascii_lines() {
        let index = LineIndex::new("ab\ncd\n");
        assert_eq!(index.position(0), Position::new(0, 0));
        assert_eq!(index.position(2), Position::new(0, 2));
        assert_eq!(index.position(3), Position::new(1, 0));
        assert_eq!(index.position(6), Position::new(2, 0));
        assert_eq!(index.offset(Position::new(1, 1)), 4);
        round_trip("ab\ncd\n");
        round_trip("");
        round_trip("\n\n");
    }

    #[test]
    fn micro_sign_is_one_unit_and_two_bytes() {
        let text = "x = 1 µs\ny";
        let index = LineIndex::new(text);
        // `µ` is U+00B5: two bytes in UTF-8, one UTF-16 unit.
        let s = text.find('s').unwrap();
        assert_eq!(s, 8);
        assert_eq!(index.position(s), Position::new(0, 7));
        assert_eq!(index.offset(Position::new(0, 7)), 8);
        assert_eq!(index.position(text.len()), Position::new(1, 1));
        round_trip(text);
    }

    #[test]
    fn emoji_is_a_surrogate_pair() {
        let text = "// 🧠 brain\nneuron A {}\n";
        let index = LineIndex::new(text);
        // U+1F9E0 is four bytes in UTF-8 and two UTF-16 units.
        let b = text.find('b').unwrap();
        assert_eq!(index.position(b), Position::new(0, 6));
        assert_eq!(index.offset(Position::new(0, 6)), b);
        // A character inside the surrogate pair snaps to the start of the emoji.
        assert_eq!(index.offset(Position::new(0, 4)), 3);
        assert_eq!(index.offset(Position::new(1, 7)), text.find('A').unwrap());
        round_trip(text);
    }

    #[test]
    fn offsets_inside_a_character_move_back() {
        let text = "aµb";
        let index = LineIndex::new(text);
        assert_eq!(index.position(2), Position::new(0, 1));
    }

    #[test]
    fn positions_past_the_end_clamp() {
        let text = "abc\r\nde";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(Position::new(0, 99)), 3, "before the \\r");
        assert_eq!(index.offset(Position::new(1, 99)), text.len());
        assert_eq!(index.offset(Position::new(7, 0)), text.len());
        assert_eq!(index.position(999), Position::new(1, 2));
        round_trip(text);
    }

    #[test]
    fn ranges_and_spans() {
        let text = "a\nµµ = 1\n";
        let index = LineIndex::new(text);
        let span = Span::new(2, 6);
        let range = index.range(span);
        assert_eq!(range, Range::new(Position::new(1, 0), Position::new(1, 2)));
        assert_eq!(index.span(range), span);
        assert_eq!(index.whole(), Range::new(Position::new(0, 0), Position::new(2, 0)));
    }
}
