DROP TABLE series;
DROP TABLE documents;
DROP TABLE settlements;
DROP TABLE price_books;
