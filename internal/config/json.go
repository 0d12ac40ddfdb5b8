package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/servicelane/servicelane/org"
)

// parseJSON reads JSON into the node tree the decoder walks, or reports
// its first syntax error.
func (l *loader) parseJSON(data []byte) *yaml.Node {
	t := &jsonTree{data: data, dec: json.NewDecoder(bytes.NewReader(data)), maxDepth: l.opt.limits().Depth}
	t.dec.UseNumber()
	root, err := t.value(0)
	if err == nil {
		// Nothing but white space may follow the document.
		start := t.next()
		if _, err2 := t.dec.Token(); err2 == nil {
			err = &jsonError{off: start, msg: "unexpected data after the " + l.opt.Noun}
		} else if !errors.Is(err2, io.EOF) {
			err = err2
		}
	}
	if err == nil {
		return root
	}
	if len(bytes.TrimSpace(data)) == 0 {
		l.add(filePos{}, "", org.CodeRequired, "the file is empty: it holds no "+l.opt.Noun)
		return nil
	}
	off, msg := len(data), err.Error()
	var se *json.SyntaxError
	var je *jsonError
	switch {
	case errors.As(err, &je):
		off, msg = je.off, je.msg
	case errors.As(err, &se):
		off = t.syntaxOffset(se)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg = "unexpected end of JSON input"
	}
	l.add(offsetPosition(data, off), "", org.CodeFormat, "json: "+strings.TrimPrefix(msg, "json: "))
	return nil
}

// syntaxOffset is where a syntax error is. Between tokens the decoder
// reports it exactly; inside a value (a number, a string) it counts from
// somewhere else, so the value is read again on its own to find it.
func (t *jsonTree) syntaxOffset(se *json.SyntaxError) int {
	start := int(t.dec.InputOffset())
	if int(se.Offset) == start {
		return start
	}
	var raw json.RawMessage
	var again *json.SyntaxError
	if err := json.NewDecoder(bytes.NewReader(t.data[start:])).Decode(&raw); errors.As(err, &again) {
		return start + int(again.Offset) - 1
	}
	return start
}

type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

// jsonTree builds yaml nodes from JSON tokens: objects become mappings,
// arrays sequences, strings !!str, numbers !!int or !!float with their
// exact text, true and false !!bool, null !!null.
type jsonTree struct {
	data []byte
	dec  *json.Decoder
	// maxDepth guards the recursion; the depth limit, which the text
	// was checked against before parsing, so it never stops a document.
	maxDepth int
}

func (t *jsonTree) value(depth int) (*yaml.Node, error) {
	start := t.next()
	if depth > t.maxDepth {
		return nil, &jsonError{off: start, msg: "nested too deeply"}
	}
	tok, err := t.dec.Token()
	if err != nil {
		return nil, err
	}
	p := offsetPosition(t.data, start)
	n := &yaml.Node{Line: p.line, Column: p.col}
	switch v := tok.(type) {
	case json.Delim:
		return n, t.collection(n, v, depth)
	case string:
		n.Kind, n.Tag, n.Style, n.Value = yaml.ScalarNode, "!!str", yaml.DoubleQuotedStyle, v
	case json.Number:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!int", string(v)
		if strings.ContainsAny(string(v), ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", strconv.FormatBool(v)
	case nil:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n, nil
}

// collection reads an object's members or an array's elements up to its
// closing delimiter.
func (t *jsonTree) collection(n *yaml.Node, open json.Delim, depth int) error {
	n.Style = yaml.FlowStyle
	if open == '[' {
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
	} else {
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
	}
	for t.dec.More() {
		if n.Kind == yaml.MappingNode {
			start := t.next()
			tok, err := t.dec.Token()
			if err != nil {
				return err
			}
			key, ok := tok.(string)
			if !ok {
				return &jsonError{off: start, msg: "an object key must be a string"}
			}
			p := offsetPosition(t.data, start)
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle,
				Value: key, Line: p.line, Column: p.col})
		}
		v, err := t.value(depth + 1)
		if err != nil {
			return err
		}
		n.Content = append(n.Content, v)
	}
	_, err := t.dec.Token() // the closing delimiter
	return err
}

// next is where the next token starts: after the end of the last one, its
// white space and separator.
func (t *jsonTree) next() int {
	off := int(t.dec.InputOffset())
	for off < len(t.data) && strings.IndexByte(" \t\r\n,:", t.data[off]) >= 0 {
		off++
	}
	return off
}

// offsetPosition turns a byte offset into a line and a column in
// characters, both from 1, as yaml counts them.
func offsetPosition(data []byte, off int) filePos {
	off = min(max(off, 0), len(data))
	lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
	return filePos{
		line: bytes.Count(data[:lineStart], []byte{'\n'}) + 1,
		col:  utf8.RuneCount(data[lineStart:off]) + 1,
	}
}
