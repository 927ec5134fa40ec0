-- What customer-analytics published (bin/lakeforge sql --config examples/customer-analytics.yaml).
SELECT segment, count(*) AS customers, round(avg(churn_score), 3) AS churn,
       round(avg(engagement_score), 1) AS engagement, sum(lifetime_value) AS lifetime_value
FROM lake.analytics.customer_metrics
GROUP BY segment
ORDER BY customers DESC;
