DROP TABLE policy_decisions;
DROP TABLE policy_nominations;
DROP TABLE policy_incidents;
DROP TABLE policies;
