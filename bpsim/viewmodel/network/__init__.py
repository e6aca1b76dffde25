"""The network picture without Qt: the scene (what is known at a frame), its
highlight and words, where the units sit (layout), the type size and reserved
slots that fit a view (fit), and where every label goes (board, labels,
callouts, output labels), with the digits and names they are written in
(view_text)."""
