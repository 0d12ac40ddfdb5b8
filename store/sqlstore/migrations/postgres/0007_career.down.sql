DROP TABLE career_moves;
