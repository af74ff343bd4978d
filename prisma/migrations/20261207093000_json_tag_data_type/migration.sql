-- JSON tags (docs/connectors.md, Arrays and structures): a whole OPC UA array or structure,
-- stored as JSON text in the sample's text column like the values of STRING tags.
alter type tag_data_type add value if not exists 'JSON';
